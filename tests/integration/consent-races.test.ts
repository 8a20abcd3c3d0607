/**
 * An opt-out wins every race (issue 11, findings 4 and 5): one that lands while a recompute is
 * scoring or writing is never undone, and one recompute after it nothing in any table names the
 * account — not its own items, not others' explanations, not a board version old cursors reach.
 */
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Interaction } from '../../lib/domain/interactions/schema';
import { startInProcessSway, type InProcessSway } from '../support/in-process-sway';
import { engagements, interaction } from '../support/interactions';
import { pausing } from '../support/pausing-ports';
import { sqlString, withDuckDb } from '../../lib/adapters/duckdb/duckdb';
import { chunkEntries } from '../../lib/adapters/dynamodb/boards-store';

let sway: InProcessSway;
// The run as the service's own modules hold it: the stores' errors are its classes.
let orchestrator: typeof import('../../lib/app/recompute/local-orchestrator');
beforeAll(async () => {
  sway = await startInProcessSway();
  orchestrator = await import('../../lib/app/recompute/local-orchestrator');
  await sway.startConsumers();
});
afterAll(async () => {
  await sway.stopConsumers();
});

const get = async (url: string) => {
  const answer = await sway.request({ method: 'GET', url });
  return { status: answer.status, body: answer.status === 200 ? (JSON.parse(answer.body) as Record<string, unknown>) : undefined };
};
const forget = async (network: string, id: string) => expect((await sway.admin('DELETE', `/v1/accounts/${network}/${id}`)).status).toBe(202);
const ingest = async (interactions: Interaction[]) => {
  expect((await sway.ingest(JSON.stringify({ interactions }))).status).toBe(202);
  await sway.drained();
};
const boardIds = async (url: string) => ((await get(url)).body!.items as { id: string }[]).map((entry) => entry.id);

/** A whole run over the service's stores, with some of them swapped for pausing ones. */
const runWith = (swapped: Partial<InProcessSway['stores']>) =>
  orchestrator.runRecomputeLocally(
    { runId: randomUUID(), trigger: 'api' },
    orchestrator.unitsOver({ ...sway.stores, ...swapped, objects: sway.objects }),
    sway.objects,
  );

/** A world in which each account that will leave is scored, engaged with, and someone's only engager. */
const worldAround = (leaver: string, handle: string, loner: string, topic: string): Interaction[] => [
  ...engagements(leaver, 5, 'reply', [topic], handle),
  ...engagements(`${leaver}-peer`, 4, 'reply', [topic]),
  interaction({ type: 'reply', id: `${leaver}-to-${loner}`, actor: { id: leaver, handle }, target: { id: loner }, topics: [topic] }),
  interaction({ type: 'like', id: `${leaver}-to-peer`, actor: { id: leaver, handle }, target: { id: `${leaver}-peer` }, topics: [topic] }),
];

describe('an opt-out during a recompute', () => {
  it('is never undone by the run that was scoring when it landed', async () => {
    await ingest(worldAround('racer', 'RacerHandle', 'racer-loner', 'racing'));
    await sway.recompute();
    expect((await get('/v1/accounts/x/racer')).status).toBe(200);
    await ingest(engagements('racer-peer', 2, 'like', ['racing']));

    // The run's topic workers have read the opt-outs when the opt-out lands.
    const { proxy, paused, resume } = pausing(sway.stores.consent, 'optOutEpoch', { call: 1, when: 'after', onward: true });
    const running = runWith({ consent: proxy });
    await paused;
    await forget('x', 'racer');
    resume();
    expect((await running)?.status).toBe('succeeded');

    expect((await get('/v1/accounts/x/racer')).status).toBe(410);
    expect((await get('/v1/accounts/x/RacerHandle')).status).toBe(404);
    expect(await boardIds('/v1/topics/racing/leaderboard')).not.toContain('racer');
    const peer = (await get('/v1/accounts/x/racer-peer/explain?topic=racing')).body as { topEngagers: { id: string }[] };
    expect(peer.topEngagers.map((engager) => engager.id)).not.toContain('racer');

    await sway.recompute();
    expect((await get('/v1/accounts/x/racer')).status).toBe(410);
    expect((await get('/v1/accounts/x/RacerHandle')).status).toBe(404);
    expect(await boardIds('/v1/leaderboard?limit=100')).not.toContain('racer');
  });

  it('is never undone by the run that was writing account items when it landed', async () => {
    await ingest(worldAround('writer', 'WriterHandle', 'writer-loner', 'writing'));
    await sway.recompute();
    await ingest(engagements('writer', 2, 'like', ['writing'], 'WriterHandle'));
    const { proxy, paused, resume } = pausing(sway.stores.accounts, 'applyAccountChanges');
    const running = runWith({ accounts: proxy });
    await paused;
    await forget('x', 'writer');
    resume();
    expect((await running)?.status).toBe('succeeded');
    expect((await get('/v1/accounts/x/writer')).status).toBe(410);
    expect((await get('/v1/accounts/x/WriterHandle')).status).toBe(404);
  });
});

describe('one recompute after an opt-out', () => {
  it('leaves the account in no item of any table but its opt-out record, and nowhere in the log', async () => {
    const mastodonAlone = [
      ...engagements('solo', 3, 'reply', ['leaving']).map((item) => ({ ...item, network: 'mastodon' })),
      interaction({
        type: 'post',
        network: 'mastodon',
        id: 'solo-post',
        actor: { id: 'solo', handle: 'SoloHandle' },
        contentId: 'solo-c',
        topics: ['leaving'],
      }),
    ];
    const mention = interaction({
      type: 'mention',
      id: 'post-w:mention:leaver',
      actor: { id: 'writer-w' },
      target: { id: 'leaver', handle: 'LeaverHandle' },
      contentId: 'post-w',
      topics: ['leaving'],
    });
    await ingest([...worldAround('leaver', 'LeaverHandle', 'loner', 'leaving'), ...mastodonAlone, mention]);
    await sway.recompute();
    expect((await get('/v1/accounts/x/loner/explain?topic=leaving')).body).toMatchObject({ topEngagers: [{ id: 'leaver' }] });
    expect(await boardIds('/v1/topics/leaving/leaderboard?network=mastodon')).toEqual(['solo']);
    const firstPage = (await get('/v1/topics/leaving/leaderboard?limit=1')).body as { nextCursor: string };

    await forget('x', 'leaver');
    await forget('mastodon', 'solo');
    await sway.recompute();

    const names = /leaver(?![-a-z])|solo(?![-a-z])|leaverhandle|solohandle/;
    // Nothing names them but the opt-out records: their items at their own keys, which answer 410.
    const traces: string[] = [];
    const table = sway.tables.mainTable;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await sway.tables.db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }));
      for (const item of page.Items ?? []) {
        const isOptOutRecord = item.optedOut === true && (item.id === 'leaver' || item.id === 'solo') && item.sk === 'SCORE';
        // A board chunk's entries are stored gzipped: read as the service reads them.
        const text = JSON.stringify(item.packedEntries ? { ...item, packedEntries: chunkEntries(item) } : item);
        if (!isOptOutRecord && names.test(text.toLowerCase())) traces.push(`${table}: ${text.slice(0, 200)}`);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    for (const queue of sway.queue.queueNames())
      for (const message of [...(await sway.queue.messages(queue)), ...(await sway.queue.deadLetters(queue))])
        if (names.test(message.body.toLowerCase())) traces.push(`queue ${queue}: ${message.body.slice(0, 200)}`);
    expect(traces).toEqual([]);
    // Nor does any object of the log or the state: its key, its raw bytes, and for Parquet every row.
    const objectTraces: string[] = [];
    for (const key of await sway.objects.list('')) {
      const bytes = await sway.objects.get(key);
      const [file] = await sway.objects.localPaths([key]);
      const rows = key.endsWith('.parquet')
        ? await withDuckDb(async (db) => JSON.stringify((await db.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(file!)})`)).getRowObjectsJson()))
        : '';
      const text = `${key} ${Buffer.from(bytes ?? []).toString('latin1')} ${rows}`.toLowerCase();
      if (names.test(text)) objectTraces.push(key);
    }
    expect(objectTraces).toEqual([]);

    expect((await get('/v1/accounts/x/leaver')).status).toBe(410);
    expect((await get('/v1/accounts/x/loner/explain?topic=leaving')).status).toBe(404);
    expect(await boardIds('/v1/topics/leaving/leaderboard?network=mastodon')).toEqual([]);
    expect((await sway.request({ method: 'GET', url: `/v1/topics/leaving/leaderboard?limit=1&cursor=${firstPage.nextCursor}` })).status).toBe(400);
  });
});
