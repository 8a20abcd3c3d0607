import { beforeAll, describe, expect, it } from 'vitest';
import { applyQueuedInteractions } from '../../lib/aggregation/apply-interactions';
import { readBoardPage } from '../../lib/leaderboards/read-board';
import { newRun as newApiRun, RunInProgressError, runRecompute } from '../../lib/recompute/run-recompute';
import { boards, OVERALL_TOPIC } from '../../lib/store/keys';
import { SwayStore } from '../../lib/store/sway-store';
import { engagements, interaction } from '../support/interactions';
import { isolatedTables } from '../support/isolated-tables';

let store: SwayStore;

const newRun = () => newApiRun('api');

beforeAll(async () => {
  const { db, mainTable } = await isolatedTables();
  store = new SwayStore(db, mainTable);
  const world = [
    ...engagements('star', 12),
    ...engagements('rising', 6),
    ...engagements('quiet', 2),
    ...engagements('gardener', 4, 'share', ['gardening']),
    interaction({ type: 'reply', network: 'mastodon', actor: { id: 'm-fan' }, target: { id: 'm-star' }, topics: ['physics'] }),
  ];
  await applyQueuedInteractions({ receivedAt: new Date().toISOString(), interactions: world }, store, new Date());
});

describe('recompute against DynamoDB Local', () => {
  it('writes topic leaderboards in score order, per network too, and the topic list', async () => {
    const run = await runRecompute(newRun(), store);
    expect(run).toMatchObject({ status: 'succeeded', topics: 2 });
    expect(run.accounts).toBeGreaterThan(20);

    const physics = await readBoardPage<{ id: string; network: string; score: number }>(store, boards.leaderboard('physics'), 100, undefined);
    expect(physics.items.slice(0, 3).map((entry) => entry.id)).toEqual(['star', 'rising', 'quiet']);
    expect(physics.items[0]?.score).toBe(100);
    expect(physics.items.map((entry) => entry.rank)).toEqual([1, 2, 3, 4]);

    const mastodonOnly = await readBoardPage<{ id: string }>(store, boards.leaderboard('physics', 'mastodon'), 100, undefined);
    expect(mastodonOnly.items.map((entry) => [entry.id, entry.rank])).toEqual([['m-star', 4]]);

    const topics = await readBoardPage<{ topic: string; accounts: number }>(store, boards.topics, 100, undefined);
    expect(topics.items.map(({ topic, accounts }) => ({ topic, accounts }))).toEqual([
      { topic: 'physics', accounts: 4 },
      { topic: 'gardening', accounts: 1 },
    ]);

    const star = await store.accountScore('x', 'STAR');
    expect(star).toMatchObject({ id: 'star', score: 100, topics: [{ topic: 'physics', score: 100, rank: 1 }] });
    expect(await store.accountScore('x', 'star-fan-0')).toMatchObject({ score: 1 });
  });

  it('stores an explanation whose contributions add up, with top engagers and top content, and a daily history point', async () => {
    await applyQueuedInteractions(
      {
        receivedAt: new Date().toISOString(),
        interactions: [
          interaction({ type: 'post', id: 'explained-post', actor: { id: 'explained' }, contentId: 'c-explained', topics: ['explaining'] }),
          ...Array.from({ length: 3 }, (_, i) =>
            interaction({ type: 'reply', actor: { id: `reader-${i}` }, target: { id: 'explained' }, parentContentId: 'c-explained' }),
          ),
        ],
      },
      store,
      new Date(),
    );
    const run = await runRecompute(newRun(), store);
    const explanation = await store.explanation('x', 'explained', 'explaining');
    expect(explanation).toMatchObject({ score: 100, rank: 1, topContent: [{ contentId: 'c-explained', responses: 3, weight: 1 }] });
    expect(explanation!.topEngagers.map((engager) => engager.id).sort()).toEqual(['reader-0', 'reader-1', 'reader-2']);
    const total = explanation!.factors.reduce((sum, factor) => sum + factor.contribution, 0);
    expect(Math.abs(total - explanation!.score)).toBeLessThan(1e-9);
    expect(await store.history('x', 'explained', 'explaining', run.startedAt.slice(0, 10))).toEqual([{ date: run.startedAt.slice(0, 10), score: 100 }]);
  });

  it('pages with a cursor that stays on its version while a new version is published', async () => {
    await runRecompute(newRun(), store);
    const first = await readBoardPage<{ id: string }>(store, boards.leaderboard(OVERALL_TOPIC), 2, undefined);
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();

    await runRecompute(newRun(), store);
    const second = await readBoardPage<{ id: string }>(store, boards.leaderboard(OVERALL_TOPIC), 2, first.nextCursor!);
    expect(second.items.map((entry) => entry.rank)).toEqual([3, 4]);
    expect(second.computedAt).toBe(first.computedAt);

    await runRecompute(newRun(), store);
    await expect(readBoardPage(store, boards.leaderboard(OVERALL_TOPIC), 2, first.nextCursor!)).rejects.toThrow(/expired/);
    await expect(readBoardPage(store, boards.leaderboard(OVERALL_TOPIC), 2, 'not-a-cursor')).rejects.toThrow(/cursor/);
  });

  it('never runs two recomputes at once', async () => {
    const holder = newRun();
    expect(await store.acquireRunLock(holder.runId, 60_000)).toBe(true);
    await expect(runRecompute(newRun(), store)).rejects.toBeInstanceOf(RunInProgressError);
    await store.releaseRunLock(holder.runId);
    await expect(runRecompute(newRun(), store)).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('keeps serving the previous boards when a run fails half way', async () => {
    const before = await readBoardPage<{ id: string }>(store, boards.leaderboard('physics'), 100, undefined);
    const failing = Object.create(store) as SwayStore;
    failing.writeAccountScores = async () => {
      throw new Error('disk full');
    };
    const run = newRun();
    await expect(runRecompute(run, failing)).rejects.toThrow('disk full');
    expect((await store.run(run.runId))?.status).toBe('failed');
    const after = await readBoardPage<{ id: string }>(store, boards.leaderboard('physics'), 100, undefined);
    expect(after.items.map((entry) => entry.id)).toEqual(before.items.map((entry) => entry.id));
  });

  it('fails the run when a topic’s writes fail while the next topic is being scored', async () => {
    const before = await readBoardPage<{ id: string }>(store, boards.leaderboard('physics'), 100, undefined);
    const failing = Object.create(store) as SwayStore;
    let explanationWrites = 0;
    failing.writeExplanations = async (explanations) => {
      // The first topic's explanations fail after a while; the later topics' would succeed.
      if (explanationWrites++ === 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error('throttled for good');
      }
      return store.writeExplanations(explanations);
    };
    const run = newRun();
    await expect(runRecompute(run, failing)).rejects.toThrow('throttled for good');
    expect((await store.run(run.runId))?.status).toBe('failed');
    const after = await readBoardPage<{ id: string }>(store, boards.leaderboard('physics'), 100, undefined);
    expect(after.items.map((entry) => entry.id)).toEqual(before.items.map((entry) => entry.id));
    expect(after.computedAt).toBe(before.computedAt);
  });
});
