import { describe, expect, it } from 'vitest';
import type { Interaction } from '../../lib/interactions/schema';
import { applyQueuedInteractions } from '../../lib/aggregation/apply-interactions';
import { readBoardPage } from '../../lib/leaderboards/read-board';
import { newRun, runRecompute } from '../../lib/recompute/run-recompute';
import { boards, OVERALL_TOPIC } from '../../lib/store/keys';
import { SwayStore } from '../../lib/store/sway-store';
import { engagements, interaction } from '../support/interactions';
import { isolatedTables } from '../support/isolated-tables';

const freshStore = async () => {
  const { db, mainTable } = await isolatedTables();
  return new SwayStore(db, mainTable);
};
const apply = (store: SwayStore, interactions: Interaction[]) =>
  applyQueuedInteractions({ receivedAt: new Date().toISOString(), interactions }, store, new Date());
const boardIds = async (store: SwayStore, board: string) =>
  (await readBoardPage<{ id: string }>(store, board, 100, undefined)).items.map((entry) => entry.id);

describe('opt-out against DynamoDB Local', () => {
  it('leaves no trace of the account within one recompute, and drops its later interactions', async () => {
    const others = [...engagements('star', 6), ...engagements('rising', 3)];
    const leaversOwn = [
      ...engagements('leaver', 4),
      interaction({ type: 'reply', id: 'leaver-to-star', actor: { id: 'leaver' }, target: { id: 'star' }, topics: ['physics'] }),
      interaction({ type: 'like', id: 'leaver-to-rising', actor: { id: 'leaver' }, target: { id: 'rising' }, topics: ['physics'] }),
    ];
    const store = await freshStore();
    await apply(store, [...others, ...leaversOwn]);
    await runRecompute(newRun('api'), store);
    expect(await boardIds(store, boards.leaderboard('physics'))).toContain('leaver');

    await store.optOut('x', 'leaver', new Date().toISOString());
    expect(await store.accountScore('x', 'leaver')).toEqual({ optedOut: true, network: 'x', id: 'leaver' });
    const late = await apply(store, [interaction({ type: 'reply', actor: { id: 'leaver' }, target: { id: 'star' }, topics: ['physics'] })]);
    expect(late).toMatchObject({ applied: 0, dropped: 1 });

    const run = await runRecompute(newRun('api'), store);
    for (const board of [boards.leaderboard('physics'), boards.leaderboard(OVERALL_TOPIC), boards.leaderboard('physics', 'x')]) {
      expect(await boardIds(store, board)).not.toContain('leaver');
    }
    expect(await store.accountScore('x', 'leaver')).toMatchObject({ optedOut: true });
    expect(await store.explanation('x', 'leaver', 'physics')).toBeNull();
    expect(await store.history('x', 'leaver', 'physics', '2000-01-01')).toEqual([]);
    expect(await store.appliedInteractions(leaversOwn.map(({ network, id }) => ({ network, id })))).toEqual(new Set());
    const starExplained = await store.explanation('x', 'star', 'physics');
    expect(starExplained!.topEngagers.map((engager) => engager.id)).not.toContain('leaver');
    for (const topic of ['physics', OVERALL_TOPIC]) {
      const { edges } = await store.engagementAggregates(topic);
      expect(edges.filter((edge) => edge.author === 'x:leaver' || edge.engager === 'x:leaver')).toEqual([]);
    }

    // Its contributions to others are gone: the same scores as in a world where it never existed.
    const never = await freshStore();
    await apply(never, others);
    const reference = await runRecompute({ ...newRun('api'), startedAt: run.startedAt }, never);
    expect(reference.status).toBe('succeeded');
    for (const id of ['star', 'rising']) {
      expect((await store.accountScore('x', id)) as object).toMatchObject({ score: ((await never.accountScore('x', id)) as { score: number }).score });
    }
  });
});
