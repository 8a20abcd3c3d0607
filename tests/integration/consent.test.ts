/**
 * Opt-out (CONTRACT §4): the account answers 410 at once; one recompute later every trace of it is
 * gone — its interactions in the log, its scores, history, explanations, board entries and its
 * contributions to others' scores — and interactions involving it later are dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Interaction } from '../../lib/domain/interactions/schema';
import { withDuckDb, sqlFiles } from '../../lib/adapters/duckdb/duckdb';
import { startInProcessSway, type InProcessSway } from '../support/in-process-sway';
import { engagements, interaction } from '../support/interactions';

const others = [...engagements('star', 6), ...engagements('rising', 3)];
const leaversOwn = [
  ...engagements('leaver', 4),
  interaction({ type: 'reply', id: 'leaver-to-star', actor: { id: 'leaver' }, target: { id: 'star' }, topics: ['physics'] }),
  interaction({ type: 'like', id: 'leaver-to-rising', actor: { id: 'leaver' }, target: { id: 'rising' }, topics: ['physics'] }),
];
/** Taken in by an incremental run, which keeps them in files beside the window and explanations until a full pass merges them. */
const leaversLater = [interaction({ type: 'reply', id: 'leaver-later', actor: { id: 'leaver-fan' }, target: { id: 'leaver' }, topics: ['physics'] })];

let withLeaver: InProcessSway;
beforeAll(async () => {
  withLeaver = await startInProcessSway();
  await withLeaver.startConsumers();
});
afterAll(async () => {
  await withLeaver.stopConsumers();
});

const ingest = async (sway: InProcessSway, interactions: Interaction[]) => {
  expect((await sway.ingest(JSON.stringify({ interactions }))).status).toBe(202);
  await sway.drained();
};
const body = async (sway: InProcessSway, url: string) => {
  const answer = await sway.request({ method: 'GET', url });
  return { status: answer.status, body: answer.status === 200 ? (JSON.parse(answer.body) as Record<string, unknown>) : null };
};
const boardIds = async (sway: InProcessSway, url: string) => ((await body(sway, url)).body!.items as { id: string }[]).map((entry) => entry.id);

/** Every row of the interaction log that names the account. */
const logRowsNaming = async (sway: InProcessSway, account: string) => {
  const files = await sway.objects.localPaths(await sway.objects.list('log/'));
  return withDuckDb(async (db) =>
    Number(
      (
        await db.runAndReadAll(
          `SELECT count(*) FROM read_parquet(${sqlFiles(files)}, union_by_name = true) WHERE actor = '${account}' OR target = '${account}'`,
        )
      ).getRows()[0]![0],
    ),
  );
};

/** The recompute's state files (index, windows, scores, daily snapshots, models, explanations) whose content names `text`. */
const stateFilesNaming = async (sway: InProcessSway, text: string) => {
  const keys = await sway.objects.list('state/');
  const naming: string[] = [];
  await withDuckDb(async (db) => {
    for (const key of keys) {
      const [file] = await sway.objects.localPaths([key]);
      const content = key.endsWith('.parquet')
        ? JSON.stringify((await db.runAndReadAll(`SELECT * FROM read_parquet('${file!}')`)).getRowObjectsJson())
        : Buffer.from((await sway.objects.get(key))!).toString('utf8');
      if (content.includes(text)) naming.push(key);
    }
  });
  return naming;
};

describe('opt-out', () => {
  it('leaves no trace of the account within one recompute, and drops its later interactions', async () => {
    await ingest(withLeaver, [...others, ...leaversOwn]);
    await withLeaver.recompute();
    expect(await boardIds(withLeaver, '/v1/topics/physics/leaderboard')).toContain('leaver');
    expect(await logRowsNaming(withLeaver, 'x:leaver')).toBeGreaterThan(0);
    expect((await stateFilesNaming(withLeaver, 'leaver')).some((key) => key.includes('/daily-') || key.includes('/scores-'))).toBe(true);
    await ingest(withLeaver, leaversLater);
    await withLeaver.recompute();
    expect((await stateFilesNaming(withLeaver, 'leaver')).some((key) => key.startsWith('state/deltas/'))).toBe(true);

    expect((await withLeaver.admin('DELETE', '/v1/accounts/x/leaver')).status).toBe(202);
    expect((await body(withLeaver, '/v1/accounts/x/leaver')).status).toBe(410);
    await ingest(withLeaver, [interaction({ type: 'reply', actor: { id: 'leaver' }, target: { id: 'star' }, topics: ['physics'] })]);

    const asOf = new Date();
    await withLeaver.recompute(asOf);
    for (const url of ['/v1/topics/physics/leaderboard', '/v1/leaderboard', '/v1/topics/physics/leaderboard?network=x']) {
      expect(await boardIds(withLeaver, url)).not.toContain('leaver');
    }
    expect((await body(withLeaver, '/v1/accounts/x/leaver')).status).toBe(410);
    expect(await logRowsNaming(withLeaver, 'x:leaver')).toBe(0);
    expect(await stateFilesNaming(withLeaver, 'leaver')).toEqual([]);
    expect(await withLeaver.stores.ingest.appliedInteractions([...leaversOwn, ...leaversLater].map(({ network, id }) => ({ network, id })))).toEqual(new Set());
    const star = (await body(withLeaver, '/v1/accounts/x/star/explain?topic=physics')).body as { topEngagers: { id: string }[] };
    expect(star.topEngagers.map((engager) => engager.id)).not.toContain('leaver');

    // Its contributions to others are gone: the same scores as in a world where it never existed.
    const never = await startInProcessSway();
    await never.startConsumers();
    try {
      await ingest(never, others);
      await never.recompute(asOf);
      for (const id of ['star', 'rising']) {
        const expected = (await body(never, `/v1/accounts/x/${id}`)).body as { score: number; topics: unknown[] };
        expect((await body(withLeaver, `/v1/accounts/x/${id}`)).body).toMatchObject({ score: expected.score, topics: expected.topics });
      }
    } finally {
      await never.stopConsumers();
    }
  }, 120_000);
});
