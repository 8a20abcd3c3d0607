import { describe, expect, it } from 'vitest';
import { DEMO_NETWORKS, DEMO_TOPICS, demoWorld } from '../../lib/demo/demo-world';
import { pastDayViews } from '../../lib/demo/past-history';
import { HandleSightings } from '../../lib/interactions/handles';
import { InteractionSchema } from '../../lib/interactions/schema';
import { newRun, runRecompute, type RecomputePorts } from '../../lib/recompute/run-recompute';
import { aggregateInMemory } from '../../lib/scoring/evaluation/in-memory-aggregates';
import { scoreTopic } from '../../lib/scoring/topic-scores';
import { OVERALL_TOPIC } from '../../lib/store/keys';

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

/** Recompute ports over in-memory aggregates that record every write. */
const recordingPorts = () => {
  const aggregates = aggregateInMemory(world.interactions);
  const handles = new HandleSightings();
  const writes: { method: string; day?: string; points?: { network: string; id: string; topic: string; score: number }[] }[] = [];
  const record = (method: string) => async () => void writes.push({ method });
  const ports: RecomputePorts = {
    registeredTopics: async () => [...DEMO_TOPICS],
    handleClaims: async () => new Map(),
    engagementAggregates: async (topic) => ({ edges: aggregates.get(topic)?.edges ?? [], handles }),
    postAggregates: async (topic) => ({ posts: aggregates.get(topic)?.posts ?? [], handles }),
    contentAggregates: async () => [],
    writeHistory: async (day, points) => void writes.push({ method: 'writeHistory', day, points }),
    optOutState: async () => ({ epoch: 0, all: new Set(), unpurged: new Set() }),
    writeExplanations: record('writeExplanations'),
    deleteExplanations: record('deleteExplanations'),
    deleteAggregatesInvolving: record('deleteAggregatesInvolving'),
    purgeAccount: record('purgeAccount'),
    writeBoardEntries: record('writeBoardEntries'),
    flipBoard: async () => (writes.push({ method: 'flipBoard' }), { replaced: null, unreferenced: [] }),
    deleteBoardVersion: record('deleteBoardVersion'),
    deleteBoard: record('deleteBoard'),
    writeAccountScores: record('writeAccountScores'),
    deleteAccountScores: record('deleteAccountScores'),
    putRun: record('putRun'),
    finishRun: record('finishRun'),
    acquireRunLock: async () => (writes.push({ method: 'acquireRunLock' }), true),
    renewRunLock: async () => true,
    releaseRunLock: record('releaseRunLock'),
  };
  return { ports, aggregates, writes };
};

describe('past days of history', () => {
  it('writes, for a past day, only that day’s history: each score as it stood from the interactions up to that day', async () => {
    const { ports, aggregates, writes } = recordingPorts();
    const day = '2026-11-10';
    await runRecompute({ ...newRun('schedule'), startedAt: `${day}T23:59:59.999Z` }, pastDayViews(ports)(day));

    expect(new Set(writes.map((write) => write.method))).toEqual(new Set(['writeHistory']));
    expect(new Set(writes.map((write) => write.day))).toEqual(new Set([day]));

    const jazz = aggregates.get('jazz')!;
    const expected = scoreTopic(
      jazz.edges.filter((edge) => edge.day <= day),
      jazz.posts.filter((post) => post.day <= day),
      new Date(`${day}T23:59:59.999Z`),
    ).ranked.map(({ account, score }) => ({ account, score }));
    const written = writes
      .flatMap((write) => write.points ?? [])
      .filter((point) => point.topic === 'jazz')
      .map(({ network, id, score }) => ({ account: `${network}:${id}`, score }));
    expect(written).toEqual(expected);
    // Fewer people had been answered by then than by today.
    const today = scoreTopic(jazz.edges, jazz.posts, asOf).ranked.length;
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(today);
    expect(writes.some((write) => write.points?.some((point) => point.topic === OVERALL_TOPIC))).toBe(true);
  });
});
