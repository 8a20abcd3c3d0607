import { describe, expect, it } from 'vitest';
import { DEMO_NETWORKS, DEMO_TOPICS, demoWorld } from '../../lib/dev/demo/demo-world';
import { pastHistoryPoints } from '../../lib/dev/demo/past-history';
import { InteractionSchema } from '../../lib/domain/interactions/schema';
import { aggregateInMemory } from '../../lib/dev/evaluation/in-memory-aggregates';
import { topicAggregatesOf } from '../../lib/domain/scoring/engagement';
import { scoreTopic } from '../../lib/domain/scoring/topic-scores';
import { OVERALL_TOPIC } from '../../lib/adapters/dynamodb/keys';

const asOf = new Date('2026-11-26T09:30:00Z');
const world = demoWorld({ asOf });

describe('the demo world', () => {
  it('is the same world for the same seed and day', () => {
    expect(demoWorld({ asOf }).interactions).toEqual(world.interactions);
    expect(demoWorld({ asOf, seed: 7 }).interactions).not.toEqual(world.interactions);
  });

  it('is a few hundred people on three networks in six topics, every interaction valid and in the past', () => {
    expect(world.accounts.length).toBeGreaterThanOrEqual(200);
    expect(world.accounts.length).toBeLessThan(1000);
    expect(new Set(world.accounts).size).toBe(world.accounts.length);
    expect(new Set(world.interactions.map((interaction) => interaction.network))).toEqual(new Set(DEMO_NETWORKS));
    expect(new Set(world.interactions.flatMap((interaction) => interaction.topics ?? []))).toEqual(new Set(DEMO_TOPICS));
    for (const interaction of world.interactions) {
      expect(InteractionSchema.safeParse(interaction).success).toBe(true);
      expect(Date.parse(interaction.occurredAt)).toBeLessThanOrEqual(asOf.getTime());
    }
  });

  it('gives people handles that look like people, one per account', () => {
    const handles = new Map<string, string>();
    for (const { network, actor } of world.interactions) handles.set(`${network}:${actor.id}`, actor.handle!);
    expect(new Set(handles.values()).size).toBe(handles.size);
    for (const handle of handles.values()) expect(handle).toMatch(/^[a-z]+[_]?[a-z]+\d*(@[a-z.]+|\.bsky\.social)?$/);
  });
});

describe('past days of history', () => {
  it('gives, for a past day, each score as it stood from the interactions up to that day', () => {
    const day = '2026-11-10';
    const aggregates = aggregateInMemory(world.interactions);
    const jazz = aggregates.get('jazz')!;
    const expected = scoreTopic(
      topicAggregatesOf(
        jazz.edges.filter((edge) => edge.day <= day),
        jazz.posts.filter((post) => post.day <= day),
      ),
      new Date(`${day}T23:59:59.999Z`),
    ).ranked.map(({ account, score }) => ({ account, score }));
    const points = pastHistoryPoints(world.interactions, day);
    const written = points.filter((point) => point.topic === 'jazz').map(({ network, id, score }) => ({ account: `${network}:${id}`, score }));
    expect(written).toEqual(expected);
    // Fewer people had been answered by then than by today.
    const today = scoreTopic(topicAggregatesOf(jazz.edges, jazz.posts), asOf).ranked.length;
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(today);
    expect(points.some((point) => point.topic === OVERALL_TOPIC)).toBe(true);
  });
});
