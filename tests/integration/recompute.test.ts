/**
 * A whole local run over DynamoDB Local and a folder log: boards, account items, explanations and
 * history as readers see them; a cursor that keeps its version; one run at a time; a topic whose
 * writes fail keeps its previous board while the others publish, and the next run catches up;
 * every Parquet file a run publishes is written with zstd.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { accountView } from '../../lib/app/api/scored-account';
import type { Interaction } from '../../lib/domain/interactions/schema';
import { readBoardPage } from '../../lib/app/queries/read-board';
import { RunInProgressError } from '../../lib/domain/recompute-run';
import type { StoredAccount } from '../../lib/adapters/dynamodb/accounts-store';
import { boards, OVERALL_TOPIC } from '../../lib/adapters/dynamodb/keys';
import { MAX_BOARD_ENTRIES } from '../../lib/domain/leaderboards/board';
import { readManifest } from '../../lib/app/recompute/run-state';
import { sqlString, withDuckDb } from '../../lib/adapters/duckdb/duckdb';
import { engagements, interaction } from '../support/interactions';
import { isolatedTables } from '../support/isolated-tables';
import { logHarness } from '../support/log-harness';

let sway: ReturnType<typeof logHarness>;

const apply = (interactions: Interaction[]) => sway.apply({ receivedAt: new Date().toISOString(), interactions });
const page = <T>(board: string, limit = 100, cursor?: string) => readBoardPage<T>(sway.stores.boards, board, limit, cursor);
const account = async (id: string, network = 'x') => {
  const found = await sway.stores.accounts.account(network, id);
  return found && !('optedOut' in found) ? accountView(sway.stores.boards, found as StoredAccount) : null;
};

/** The object store, but for the first call of `method` on keys `fails` picks, which throws. */
const failingOnce = (method: 'localPaths' | 'putFile', fails: (keys: readonly string[]) => boolean) => {
  const failing = { store: Object.create(sway.objects) as typeof sway.objects, failures: 0 };
  const real = (sway.objects[method] as (...args: unknown[]) => Promise<unknown>).bind(sway.objects);
  Object.assign(failing.store, {
    [method]: async (...args: unknown[]) => {
      if (failing.failures === 0 && fails(([] as string[]).concat(args[0] as string | string[]))) {
        failing.failures++;
        throw new Error('connection reset');
      }
      return real(...args);
    },
  });
  return failing;
};

beforeAll(async () => {
  const { db, mainTable } = await isolatedTables();
  sway = logHarness(db, mainTable);
  await apply([
    ...engagements('star', 12),
    ...engagements('rising', 6),
    ...engagements('quiet', 2),
    ...engagements('gardener', 4, 'share', ['gardening']),
    interaction({ type: 'reply', network: 'mastodon', actor: { id: 'm-fan' }, target: { id: 'm-star' }, topics: ['physics'] }),
  ]);
});

describe('a recompute against DynamoDB Local and the log', () => {
  it('writes topic leaderboards in score order, per network too, the topic list and the account items', async () => {
    const run = await sway.recompute();
    expect(run).toMatchObject({ status: 'succeeded', topics: 2, mode: 'full' });
    expect(run!.accounts).toBeGreaterThan(20);

    const physics = await page<{ id: string; score: number; rank: number }>(boards.leaderboard('physics'));
    expect(physics.items.map((entry) => entry.id)).toEqual(['star', 'rising', 'quiet', 'm-star']);
    expect(physics.items[0]?.score).toBe(100);
    expect(physics.items.map((entry) => entry.rank)).toEqual([1, 2, 3, 4]);

    const mastodonOnly = await page<{ id: string; rank: number }>(boards.leaderboard('physics', 'mastodon'));
    expect(mastodonOnly.items.map((entry) => [entry.id, entry.rank])).toEqual([['m-star', 4]]);

    const topics = await page<{ topic: string; accounts: number }>(boards.topics);
    expect(topics.items.map(({ topic, accounts }) => ({ topic, accounts }))).toEqual([
      { topic: 'physics', accounts: 4 },
      { topic: 'gardening', accounts: 1 },
    ]);

    expect(await account('STAR')).toMatchObject({ id: 'star', score: 100, topics: [{ topic: 'physics', score: 100, rank: 1 }] });
    expect(await account('star-fan-0')).toMatchObject({ score: 1, topics: [] });
  });

  it('stores an explanation whose contributions add up, with top engagers and top content, and a daily history point', async () => {
    await apply([
      interaction({ type: 'post', id: 'explained-post', actor: { id: 'explained' }, contentId: 'c-explained', topics: ['explaining'] }),
      ...Array.from({ length: 3 }, (_, i) =>
        interaction({
          type: 'reply',
          actor: { id: `reader-${i}`, ...(i === 0 ? { handle: 'first-reader' } : {}) },
          target: { id: 'explained' },
          parentContentId: 'c-explained',
        }),
      ),
    ]);
    const run = await sway.recompute();
    expect(run).toMatchObject({ status: 'succeeded', mode: 'incremental' });
    const explanation = await sway.stores.accounts.explanation('x', 'explained', 'explaining');
    expect(explanation).toMatchObject({ score: 100, topContent: [{ contentId: 'c-explained', responses: 3, weight: 1 }] });
    expect(explanation!.topEngagers.map((engager) => [engager.id, engager.handle]).sort()).toEqual([
      ['reader-0', 'first-reader'],
      ['reader-1', null],
      ['reader-2', null],
    ]);
    const total = explanation!.factors.reduce((sum, factor) => sum + factor.contribution, 0);
    expect(Math.abs(total - explanation!.score)).toBeLessThan(1e-9);
    const day = run!.startedAt.slice(0, 10);
    expect(await sway.stores.accounts.history('x', 'explained', 'explaining', day, day)).toEqual([{ date: day, score: 100 }]);
  });

  it('writes nothing for a topic nobody engaged in since the last run', async () => {
    const before = await sway.stores.boards.boardPointer(boards.leaderboard('physics'));
    const run = await sway.recompute();
    expect(run).toMatchObject({ status: 'succeeded', mode: 'incremental' });
    expect(await sway.stores.boards.boardPointer(boards.leaderboard('physics'))).toEqual(before);
  });

  it('rewrites an account item for a new handle, and not for the same handle seen again', async () => {
    await apply([interaction({ type: 'reply', actor: { id: 'star-fan-1', handle: 'fan-one' }, target: { id: 'quiet' } })]);
    const named = await sway.recompute();
    expect(await sway.stores.accounts.account('x', 'star-fan-1')).toMatchObject({ handle: 'fan-one', computedAt: named!.startedAt });

    await apply([interaction({ type: 'reply', actor: { id: 'star-fan-1', handle: 'fan-one' }, target: { id: 'rising' } })]);
    const again = await sway.recompute();
    expect(await sway.stores.accounts.account('x', 'rising')).toMatchObject({ computedAt: again!.startedAt });
    expect(await sway.stores.accounts.account('x', 'star-fan-1')).toMatchObject({ handle: 'fan-one', computedAt: named!.startedAt });
    // The fan's earlier reply to star is read to rescore the fan; star, not rescored, keeps its scores.
    expect(await account('star')).toMatchObject({ score: 100, topics: [{ topic: 'physics', score: 100, rank: 1 }] });
  });

  it('pages with a cursor that stays on its version while a new version is published', async () => {
    const first = await page<{ id: string }>(boards.leaderboard(OVERALL_TOPIC), 2);
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();

    // A new interaction changes the board; the cursor still reads the version it came from.
    await apply(engagements('newcomer', 3));
    await sway.recompute();
    expect((await page<{ id: string }>(boards.leaderboard(OVERALL_TOPIC))).items.map((entry) => entry.id)).toContain('newcomer');
    const second = await page<{ id: string; rank: number }>(boards.leaderboard(OVERALL_TOPIC), 2, first.nextCursor!);
    expect(second.items.map((entry) => entry.rank)).toEqual([3, 4]);
    expect(second.items.map((entry) => entry.id)).not.toContain('newcomer');
    expect(second.computedAt).toBe(first.computedAt);

    await apply(engagements('latecomer', 4));
    await sway.recompute();
    await expect(page(boards.leaderboard(OVERALL_TOPIC), 2, first.nextCursor!)).rejects.toThrow(/expired/);
    await expect(page(boards.leaderboard(OVERALL_TOPIC), 2, 'not-a-cursor')).rejects.toThrow(/cursor/);
  });

  it('never runs two recomputes at once: a requested run waits, a scheduled one is skipped', async () => {
    expect(await sway.stores.runs.acquireRunLock('holder', 60_000)).toBe(true);
    await expect(sway.recompute()).rejects.toBeInstanceOf(RunInProgressError);
    await sway.stores.runs.releaseRunLock('holder');
    await expect(sway.recompute()).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('keeps a topic whose writes fail on its previous board while the others publish, and the next run catches up', async () => {
    const physicsBefore = await page<{ id: string; score: number }>(boards.leaderboard('physics'));
    await apply([...engagements('quiet', 9, 'reply', ['physics']), ...engagements('gardener-two', 5, 'share', ['gardening'])]);
    const failing = Object.create(sway.stores.accounts) as typeof sway.stores.accounts;
    failing.writeExplanations = async (explanations) => {
      if (explanations.some((explanation) => explanation.topic === 'physics')) throw new Error('throttled for good');
      return sway.stores.accounts.writeExplanations(explanations);
    };
    const failed = await sway.recompute({ accounts: failing });
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/1 topics failed: physics/) });
    expect(await page(boards.leaderboard('physics'))).toEqual(physicsBefore);
    expect((await page<{ id: string }>(boards.leaderboard('gardening'))).items.map((entry) => entry.id)).toContain('gardener-two');

    // The failed topic's new interactions wait for the next run, which publishes them.
    const next = await sway.recompute();
    expect(next).toMatchObject({ status: 'succeeded' });
    const physicsAfter = await page<{ id: string }>(boards.leaderboard('physics'));
    expect(physicsAfter.items.map((entry) => entry.id).indexOf('quiet')).toBeLessThan(physicsBefore.items.map((entry) => entry.id).indexOf('quiet'));
  });

  it('ranks equal scores alike, on the board and in the account lookup (1, 2, 2, 4)', async () => {
    await apply([
      ...engagements('tie-leader', 8, 'reply', ['ties']),
      ...engagements('tie-left', 4, 'reply', ['ties']),
      ...engagements('tie-right', 4, 'reply', ['ties']),
      ...engagements('tie-last', 1, 'reply', ['ties']),
    ]);
    expect(await sway.recompute()).toMatchObject({ status: 'succeeded' });
    const board = (await page<{ id: string; rank: number; score: number }>(boards.leaderboard('ties'))).items;
    expect(board.map((entry) => [entry.id, entry.rank])).toEqual([
      ['tie-leader', 1],
      ...(board[1]!.id === 'tie-left' ? ['tie-left', 'tie-right'] : ['tie-right', 'tie-left']).map((id) => [id, 2]),
      ['tie-last', 4],
    ]);
    expect(board[1]!.score).toBe(board[2]!.score);
    for (const [id, rank] of [
      ['tie-leader', 1],
      ['tie-right', 2],
      ['tie-last', 4],
    ] as const)
      expect(await account(id)).toMatchObject({ topics: [{ topic: 'ties', rank }] });
  });

  it('lists a network’s accounts on its own board when the topic’s board is full of another network’s', async () => {
    await apply([
      ...Array.from({ length: MAX_BOARD_ENTRIES + 1 }, (_, i) => engagements(`crowd-${i}`, 2, 'reply', ['crowded'])).flat(),
      interaction({ type: 'reply', network: 'mastodon', actor: { id: 'lone-fan' }, target: { id: 'lone-star' }, topics: ['crowded'] }),
    ]);
    expect(await sway.recompute()).toMatchObject({ status: 'succeeded' });
    const crowded = await page<{ id: string; rank: number }>(boards.leaderboard('crowded'), MAX_BOARD_ENTRIES);
    expect(crowded.items).toHaveLength(MAX_BOARD_ENTRIES);
    expect(crowded.items.map((entry) => entry.id)).not.toContain('lone-star');
    expect((await page<{ id: string; rank: number }>(boards.leaderboard('crowded', 'mastodon'))).items).toEqual([
      expect.objectContaining({ id: 'lone-star', rank: MAX_BOARD_ENTRIES + 2 }),
    ]);
    expect(await account('lone-star', 'mastodon')).toMatchObject({ topics: [{ topic: 'crowded', rank: MAX_BOARD_ENTRIES + 2 }] });
  });

  it('finds each topic’s changes alone when finding them with the item’s other topics fails, and publishes them all', async () => {
    await apply([...engagements('violinist', 4, 'reply', ['strings']), ...engagements('cellist', 4, 'reply', ['bows'])]);
    expect(await sway.recompute()).toMatchObject({ status: 'succeeded' });
    // A full pass first reads a topic's previous scores when it finds what changed: the first read of strings' fails.
    const previousScores = (await readManifest(sway.objects)).topics.strings!.head!.scores;
    const failing = failingOnce('localPaths', (keys) => keys.includes(previousScores));
    await apply([...engagements('violist', 6, 'reply', ['strings']), ...engagements('bassist', 6, 'reply', ['bows'])]);
    expect(await sway.recompute({ objects: failing.store }, { full: true })).toMatchObject({ status: 'succeeded', mode: 'full' });
    expect(failing.failures).toBe(1);
    for (const [topic, id] of [
      ['strings', 'violist'],
      ['bows', 'bassist'],
    ] as const) {
      expect((await page<{ id: string }>(boards.leaderboard(topic))).items.map((entry) => entry.id)).toContain(id);
      expect(await sway.stores.accounts.explanation('x', id, topic)).toMatchObject({ topic, score: expect.any(Number) });
      expect(await account(id)).toMatchObject({ topics: [{ topic, rank: 1 }] });
    }
  });

  it('writes each topic’s files alone when writing them with the item’s other topics fails, and publishes them all', async () => {
    await apply([...engagements('oboist', 4, 'reply', ['winds']), ...engagements('timpanist', 4, 'reply', ['drums'])]);
    const failing = failingOnce('putFile', ([key]) => key!.startsWith('state/topics/winds/scores-'));
    expect(await sway.recompute({ objects: failing.store }, { full: true })).toMatchObject({ status: 'succeeded', mode: 'full' });
    expect(failing.failures).toBe(1);
    for (const [topic, id] of [
      ['winds', 'oboist'],
      ['drums', 'timpanist'],
    ] as const) {
      expect((await page<{ id: string }>(boards.leaderboard(topic))).items.map((entry) => entry.id)).toEqual([id]);
      expect(await sway.stores.accounts.explanation('x', id, topic)).toMatchObject({ topic, score: expect.any(Number) });
    }
  });

  it('marks a run whose finish fails failed, commits none of its state, and the next run redoes it', async () => {
    await apply(engagements('unfinished', 5, 'reply', ['finishing']));
    const failing = Object.create(sway.stores.accounts) as typeof sway.stores.accounts;
    failing.applyAccountChanges = async () => {
      throw new Error('disk full');
    };
    await expect(sway.recompute({ accounts: failing }, { runId: 'finish-fails' })).rejects.toThrow('disk full');
    expect(await sway.stores.runs.run('finish-fails')).toMatchObject({ status: 'failed' });
    expect(await sway.stores.runs.runLockHolder()).toBeNull();
    expect(await account('unfinished')).toBeNull();

    expect(await sway.recompute()).toMatchObject({ status: 'succeeded' });
    expect(await account('unfinished')).toMatchObject({ topics: [{ topic: 'finishing', rank: 1 }] });
    expect((await page<{ topic: string }>(boards.topics)).items.map((entry) => entry.topic)).toContain('finishing');
  });

  it('writes every Parquet file it publishes with zstd, a map item’s change files too', async () => {
    // Checked as each file is put: a run's change files are gone once the run is finished.
    const codecs = new Map<string, unknown[]>();
    const recording = Object.create(sway.objects) as typeof sway.objects;
    recording.putFile = async (key, file) => {
      codecs.set(
        key,
        await withDuckDb(async (db) =>
          (await db.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata(${sqlString(file)})`)).getRows().map(([codec]) => codec),
        ),
      );
      return sway.objects.putFile(key, file);
    };
    await apply([...engagements('harpist', 4, 'reply', ['harps']), ...engagements('flautist', 4, 'reply', ['flutes'])]);
    expect(await sway.recompute({ objects: recording }, { full: true })).toMatchObject({ status: 'succeeded', mode: 'full' });
    await apply(engagements('piccolo', 3, 'reply', ['flutes']));
    expect(await sway.recompute({ objects: recording })).toMatchObject({ status: 'succeeded', mode: 'incremental' });
    expect([...codecs.keys()].filter((key) => key.includes('/changes/')).length).toBeGreaterThan(1);
    expect(new Set([...codecs.values()].flat())).toEqual(new Set(['ZSTD']));
  });
});
