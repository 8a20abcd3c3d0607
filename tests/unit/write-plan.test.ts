import { describe, expect, it } from 'vitest';
import { byRepeat, planTransaction, transactionBatches, type ResolvedInteraction } from '../../lib/aggregation/write-plan';
import { keys } from '../../lib/store/keys';
import { interaction } from '../support/interactions';

const appliedAt = '2026-11-25T00:00:00.000Z';
const occurredAt = '2026-11-20T12:00:00Z';

const resolved = (overrides: Parameters<typeof interaction>[0], topics = ['physics']): ResolvedInteraction => ({
  interaction: interaction({ occurredAt, ...overrides }),
  topics,
});

describe('planning the writes of a batch of interactions', () => {
  it('writes each interaction item conditionally and each shared aggregate once, with the sum', () => {
    const batch = [
      resolved({ type: 'like', id: 'l1', actor: { id: 'fan' }, target: { id: 'star' } }),
      resolved({ type: 'reply', id: 'r1', actor: { id: 'fan' }, target: { id: 'star' } }),
      resolved({ type: 'like', id: 'l2', actor: { id: 'other' }, target: { id: 'star' } }),
    ];
    const plan = planTransaction(batch, appliedAt);

    expect(plan.puts.map((put) => [put.interactionKey, put.item.pk, put.occurredAt])).toEqual([
      ['x:l1', 'INT#x#l1', '2026-11-20T12:00:00.000Z'],
      ['x:r1', 'INT#x#r1', '2026-11-20T12:00:00.000Z'],
      ['x:l2', 'INT#x#l2', '2026-11-20T12:00:00.000Z'],
    ]);
    const fanEdge = plan.updates.find((update) => update.key.sk === keys.edge('physics', '2026-11-20', 'x:star', 'x:fan').sk && update.key.pk.startsWith('EDGE#physics#'));
    expect(fanEdge).toMatchObject({ kind: 'counters', add: { n_like: 1, n_reply: 1 }, from: ['x:l1', 'x:r1'] });
    // Two edges in each of the topic and the overall pseudo-topic, and one counter item.
    expect(plan.updates.filter((update) => update.key.pk.startsWith('EDGE#'))).toHaveLength(4);
    const counters = plan.updates.filter((update) => update.key.pk === 'STATS');
    expect(counters).toEqual([expect.objectContaining({ add: { interactions: 3 }, from: ['x:l1', 'x:r1', 'x:l2'] })]);
  });

  it('sets the attributes of the last interaction in the message that has them', () => {
    const plan = planTransaction(
      [
        resolved({ type: 'like', id: 'h1', actor: { id: 'fan', handle: 'fan_old' }, target: { id: 'star', handle: 'star' } }),
        resolved({ type: 'like', id: 'h2', actor: { id: 'fan', handle: 'fan_new' }, target: { id: 'star' } }),
      ],
      appliedAt,
    );
    const edge = plan.updates.find((update) => update.key.pk.startsWith('EDGE#physics#'));
    expect(edge).toMatchObject({ kind: 'counters', add: { n_like: 2 }, set: { authorHandle: 'star', engagerHandle: 'fan_new', author: 'x:star', engager: 'x:fan', day: '2026-11-20' } });
  });

  it('collects the interactions of one piece of content into one conditional update naming them all', () => {
    const plan = planTransaction(
      [
        resolved({ type: 'post', id: 'p1', actor: { id: 'author' }, contentId: 'c1' }),
        resolved({ type: 'mention', id: 'p1:m', actor: { id: 'author' }, target: { id: 'someone' }, contentId: 'c1' }),
      ],
      appliedAt,
    );
    const content = plan.updates.filter((update) => update.kind === 'contentInteractions');
    expect(content).toEqual([expect.objectContaining({ key: keys.contentInteractions('x', 'c1'), ids: ['p1', 'p1:m'], from: ['x:p1', 'x:p1:m'] })]);
  });

  it('adds responses to the content a reaction engages with, and nothing for a self-interaction', () => {
    const plan = planTransaction(
      [
        resolved({ type: 'reply', id: 'r', actor: { id: 'fan' }, target: { id: 'star' }, parentContentId: 'c2' }),
        resolved({ type: 'reply', id: 'self', actor: { id: 'star' }, target: { id: 'star' }, parentContentId: 'c2' }),
      ],
      appliedAt,
    );
    const responses = plan.updates.filter((update) => update.key.pk.startsWith('CRESP#'));
    expect(responses).toHaveLength(2);
    expect(responses.every((update) => update.kind === 'counters' && update.add.responses === 1 && update.from.join() === 'x:r')).toBe(true);
    expect(plan.puts).toHaveLength(2);
  });
});

describe('splitting interactions into transactions', () => {
  it('fills each transaction up to the item limit, counting shared items once', () => {
    // Same engager and author: after the first, each interaction adds only its own item.
    const same = Array.from({ length: 10 }, (_, i) => resolved({ type: 'like', id: `s${i}`, actor: { id: 'fan' }, target: { id: 'star' } }));
    expect(transactionBatches(same, 12).map((batch) => batch.length)).toEqual([9, 1]);
    for (const batch of transactionBatches(same, 12)) {
      const plan = planTransaction(batch, appliedAt);
      expect(plan.puts.length + plan.updates.length).toBeLessThanOrEqual(12);
    }
  });

  it('keeps the order and loses no interaction', () => {
    const distinct = Array.from({ length: 250 }, (_, i) => resolved({ type: 'share', id: `d${i}`, actor: { id: `a${i}` }, target: { id: `t${i}` } }));
    const batches = transactionBatches(distinct);
    expect(batches.flat().map((entry) => entry.interaction.id)).toEqual(distinct.map((entry) => entry.interaction.id));
    for (const batch of batches) {
      const plan = planTransaction(batch, appliedAt);
      expect(plan.puts.length + plan.updates.length).toBeLessThanOrEqual(100);
    }
    // Three items each (the interaction, its edge in the topic and overall) plus the counter.
    expect(batches[0]).toHaveLength(33);
  });

  it('gives an interaction too large for any transaction a batch of its own', () => {
    const wide = resolved({ type: 'like', id: 'wide', actor: { id: 'fan' }, target: { id: 'star' } }, Array.from({ length: 120 }, (_, i) => `t${i}`));
    const small = resolved({ type: 'like', id: 'small', actor: { id: 'f2' }, target: { id: 'star' } });
    expect(transactionBatches([small, wide, small]).map((batch) => batch.map((entry) => entry.interaction.id))).toEqual([['small'], ['wide'], ['small']]);
  });
});

describe('repeats of an interaction within one message', () => {
  it('go to later rounds, one copy of each interaction per round', () => {
    const a = resolved({ type: 'like', id: 'a' });
    const b = resolved({ type: 'like', id: 'b' });
    const rounds = byRepeat([a, b, a, a, b]);
    expect(rounds.map((round) => round.map((entry) => entry.interaction.id))).toEqual([['a', 'b'], ['a', 'b'], ['a']]);
  });
});
