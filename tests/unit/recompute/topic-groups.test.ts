/**
 * How prepare puts a run's topics into map items: heaviest first, a heavy topic alone, light ones
 * together within the group's weight and count, every topic in exactly one item.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { groupTopics, TopicTaskSchema } from '../../../lib/app/recompute/units';

const limits = { maxWeight: 100, maxTopics: 3 };

describe('groupTopics', () => {
  it('puts a topic that fills a group alone, heaviest first, and light ones together', () => {
    const weights = new Map([
      ['small-a', 10],
      ['_all', 500],
      ['large', 100],
      ['small-b', 20],
      ['medium', 60],
      ['small-c', 10],
      ['small-d', 5],
    ]);
    expect(groupTopics(weights, limits)).toEqual([['_all'], ['large'], ['medium', 'small-b', 'small-a'], ['small-c', 'small-d']]);
  });

  it('orders topics of equal weight by name, so a plan does not depend on the order it found them in', () => {
    const forward = groupTopics(
      new Map([
        ['b', 1],
        ['a', 1],
        ['c', 1],
      ]),
      limits,
    );
    const backward = groupTopics(
      new Map([
        ['c', 1],
        ['a', 1],
        ['b', 1],
      ]),
      limits,
    );
    expect(forward).toEqual([['a', 'b', 'c']]);
    expect(backward).toEqual(forward);
  });

  it('has no item for no topics', () => {
    expect(groupTopics(new Map(), limits)).toEqual([]);
  });

  it('places every topic in exactly one item, within the limits unless it is alone', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.nat(300)), (record) => {
        const weights = new Map(Object.entries(record));
        const groups = groupTopics(weights, limits);
        expect(groups.flat().sort()).toEqual([...weights.keys()].sort());
        for (const group of groups) {
          expect(group.length).toBeGreaterThan(0);
          expect(group.length).toBeLessThanOrEqual(limits.maxTopics);
          if (group.length > 1) expect(group.reduce((sum, topic) => sum + weights.get(topic)!, 0)).toBeLessThanOrEqual(limits.maxWeight);
        }
        // Heaviest first: no item starts with a topic heavier than the one before it started with.
        const firsts = groups.map((group) => weights.get(group[0]!)!);
        expect(firsts).toEqual([...firsts].sort((a, b) => b - a));
      }),
    );
  });

  it('makes items the map item schema accepts with the default limits', () => {
    const weights = new Map(Array.from({ length: 1_000 }, (_, i) => [`t${i}`, i % 7] as const));
    for (const topics of groupTopics(weights)) {
      expect(TopicTaskSchema.safeParse({ runId: 'r', asOf: '2026-12-04T00:00:00.000Z', mode: 'full', topics }).success).toBe(true);
    }
  });
});
