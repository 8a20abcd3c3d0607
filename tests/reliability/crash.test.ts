/**
 * `kill -9` of the service process (`npm start`, its whole process group), 20 times, each at a
 * moment the test waited for: while deliveries are being acknowledged, and — proven by the run's
 * own files in the object store and its record — while a recompute is in its compaction of a closed
 * day, resolving the log (or purging an opted-out account from it), scoring and publishing topics,
 * or finishing; full passes among them. DynamoDB Local runs outside the killed group, as DynamoDB
 * does in AWS: what dies is everything Sway runs.
 *
 * The expectation is the test's own: the exact ids of the interactions it sent, and which of them
 * were acknowledged (a 202) or went unanswered when the process died. At the instant of each crash
 * every acknowledged interaction is durable (in the log, or in a queued message); after each
 * restart and drain, every acknowledged interaction is in the log exactly once and marked applied,
 * and nothing that was not sent is there. A reader polls the topic's leaderboard the whole time,
 * across the crashes: every read is whole (ids unique, every page from one board version, ranks
 * and scores in order) and never smaller than one before; a 5xx, or a failed connection while the
 * service was up, is a failure, not "down". At the end, after a last recompute, every acknowledged
 * author is on the board and its explanation counts exactly the replies the test sent it, every
 * run the test started succeeded, and the service counts exactly the interactions in its log.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createTables } from '../../infra/local/create-tables';
import type { Interaction } from '../../lib/domain/interactions/schema';
import { FolderObjectStore } from '../../lib/adapters/object-store/object-store';
import { seededRandom } from '../../lib/dev/evaluation/seeded-random';
import { LocalQueue } from '../../lib/dev/local-queue';
import { createDocumentClient, dynamoDbLocalConfig } from '../../lib/adapters/dynamodb/dynamodb-client';
import { IngestStore } from '../../lib/adapters/dynamodb/ingest-store';
import { RunsStore } from '../../lib/adapters/dynamodb/runs-store';
import { Table } from '../../lib/adapters/dynamodb/table';
import { tables } from '../../lib/adapters/dynamodb/tables';
import { startInProcessSway } from '../support/in-process-sway';
import { engagements } from '../support/interactions';
import { admin, signedPost, startLocalService, waitFor, type LocalService } from '../support/local-service';
import { copiesInLog, logRows } from '../support/observed-state';

const SEED = 20_261_128;
const TOPIC = 'crash';
const FANS = 3;
/** Authors applied yesterday, in two runs: today's first run is a full pass that compacts that day. */
const YESTERDAY_AUTHORS = 30;
const PAGE = 50;
const DAY_MS = 86_400_000;
/** Between two deliveries of the sender (the log gets one object per delivery), and how many at most between two kills. */
const SEND_GAP_MS = 80;
const DELIVERIES_PER_ROUND = 12;

type Stage = 'ingestion' | 'compaction' | 'prepare' | 'topics' | 'finish';
/**
 * The 20 kills: the stage of a run the test starts that each waits for (or none: ingestion only).
 * The first run of the day is a full pass that compacts yesterday; `optOut` runs are full passes
 * too, purging an account that opted out just before. The sender delivers through every one, and
 * the run a kill interrupted is received again after the restart, ahead of the next one.
 */
const KILLS: { stage: Stage; optOut?: true }[] = [
  { stage: 'compaction' },
  { stage: 'ingestion' },
  { stage: 'topics', optOut: true },
  { stage: 'ingestion' },
  { stage: 'prepare' },
  { stage: 'finish' },
  { stage: 'ingestion' },
  { stage: 'topics' },
  { stage: 'prepare', optOut: true },
  { stage: 'ingestion' },
  { stage: 'finish' },
  { stage: 'topics' },
  { stage: 'ingestion' },
  { stage: 'prepare' },
  { stage: 'finish', optOut: true },
  { stage: 'ingestion' },
  { stage: 'topics' },
  { stage: 'prepare' },
  { stage: 'ingestion' },
  { stage: 'finish' },
];
/** Accounts in a topic of their own, one to opt out in each `optOut` round. */
const LEAVERS = KILLS.filter((kill) => kill.optOut).length;

const random = seededRandom(SEED);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const keyOf = (interaction: Pick<Interaction, 'network' | 'id'>) => `${interaction.network}:${interaction.id}`;

const dataDir = mkdtempSync(join(tmpdir(), 'sway-crash-'));
const logDir = join(dataDir, 'log');
const objects = new FolderObjectStore(logDir);
const yesterday = new Date(Date.now() - DAY_MS);
let endpoint: string;
let service: LocalService;
let db: ReturnType<typeof createDocumentClient>;
let runs: RunsStore;
let ingest: IngestStore;

/** The test's own account of what it sent. */
const sent = {
  authors: 0,
  /** Interaction ids by author, and the author of each. */
  byAuthor: new Map<string, Interaction[]>(),
  /** Acknowledged with a 202: must be applied. */
  acknowledged: new Set<string>(),
  /** Sent, but the process died before it answered: may or may not be applied. */
  unanswered: new Set<string>(),
  /** Applied yesterday, before the first start. */
  yesterday: new Set<string>(),
  /** Interactions of accounts that opted out: gone from the log once a run purged them. */
  optedOut: new Set<string>(),
  /** What went wrong while sending (a 5xx or a refusal while the service was up). */
  problems: [] as string[],
};
const acknowledgedAuthors = () =>
  [...sent.byAuthor]
    .filter(([, interactions]) => interactions.every((i) => (sent.acknowledged.has(keyOf(i)) || sent.yesterday.has(keyOf(i))) && !sent.optedOut.has(keyOf(i))))
    .map(([author]) => author);

/** Whether the service is up, and a count of kills, so a failed request can tell "down" from "broken". */
const liveness = { up: false, kills: 0 };

/** A failed fetch as the test reports it: undici's "fetch failed" names its cause (a reset, a refused connection, a timeout) only in `cause`. */
const failure = (error: unknown): string => {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return [(error as Error).message, cause?.code, cause?.message].filter(Boolean).join(': ');
};

const newDelivery = (author = `author-${sent.authors++}`, topic = TOPIC): Interaction[] => {
  const interactions = engagements(author, FANS, 'reply', [topic]);
  sent.byAuthor.set(author, interactions);
  return interactions;
};

/** Posts one new author's replies after another, up to a few a round, until stopped; answered or not, each is accounted for. */
const startSender = () => {
  let sending = true;
  const loop = (async () => {
    for (let delivery = 0; sending && delivery < DELIVERIES_PER_ROUND; delivery++) {
      const interactions = newDelivery();
      const kills = liveness.kills;
      let response: Response;
      try {
        response = await signedPost(service, JSON.stringify({ interactions }));
        await response.text();
      } catch (error) {
        for (const interaction of interactions) sent.unanswered.add(keyOf(interaction));
        if (liveness.up && liveness.kills === kills) sent.problems.push(`a delivery failed while the service was up: ${failure(error)}`);
        return;
      }
      if (response.status !== 202) {
        sent.problems.push(`a delivery answered ${response.status}`);
        return;
      }
      for (const interaction of interactions) sent.acknowledged.add(keyOf(interaction));
      await sleep(SEND_GAP_MS);
    }
  })();
  return {
    stop: async () => {
      sending = false;
      await loop;
    },
  };
};

interface Entry {
  rank: number;
  id: string;
  score: number;
}
const cursorVersion = (cursor: string) => (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v: string }).v;

/** Reads the topic's board, whole, across crashes; everything it finds wrong goes to `problems`. */
const reader = {
  running: true,
  reads: 0,
  pages: 0,
  unavailable: 0,
  /** Reads begun again because the board moved on twice while its pages were read (the cursor's 400, CONTRACT §4). */
  expiredCursors: 0,
  largest: 0,
  problems: [] as string[],
  /** One whole board, page by page; null when the service was down (no connection while it was being killed or restarted). */
  async readBoard(): Promise<Entry[] | null> {
    const kills = liveness.kills;
    // A read begun while the service was down asks the old process's port; it may fail after the new one is up.
    const begunWhileUp = liveness.up;
    const items: Entry[] = [];
    const computedAt = new Set<string | null>();
    const versions = new Set<string>();
    let cursor: string | null = null;
    do {
      const url = `${service.url}/v1/topics/${TOPIC}/leaderboard?limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`;
      let response: Response;
      let body: string;
      try {
        response = await fetch(url);
        body = await response.text();
      } catch (error) {
        if (begunWhileUp && liveness.up && liveness.kills === kills) this.problems.push(`no answer while the service was up: ${failure(error)}`);
        return null;
      }
      this.pages++;
      // The board moved on twice while its pages were read: the cursor's 400 (CONTRACT §4). Read it again.
      if (response.status === 400 && cursor && body.includes('The cursor has expired')) {
        this.expiredCursors++;
        return this.readBoard();
      }
      if (response.status !== 200) {
        this.problems.push(`a page after ${items.length} entries answered ${response.status}: ${body.slice(0, 300)}`);
        return null;
      }
      const page = JSON.parse(body) as { items: Entry[]; nextCursor: string | null; computedAt: string | null };
      items.push(...page.items);
      computedAt.add(page.computedAt);
      cursor = page.nextCursor;
      if (cursor) versions.add(cursorVersion(cursor));
    } while (cursor);
    if (versions.size > 1 || computedAt.size > 1)
      this.problems.push(`one read mixed board versions ${[...versions].join(', ')} (computed ${[...computedAt].join(', ')})`);
    return items;
  },
  check(board: Entry[]) {
    const ids = board.map((entry) => entry.id);
    if (new Set(ids).size !== ids.length) this.problems.push(`a board of ${ids.length} entries with ${ids.length - new Set(ids).size} repeated ids`);
    board.forEach((entry, i) => {
      const previous = board[i - 1];
      const tie = previous !== undefined && Math.round(previous.score * 10) === Math.round(entry.score * 10);
      // Competition ranks: equal scores (to a tenth) share the rank of the first of them.
      const rank = i === 0 ? 1 : tie ? previous.rank : i + 1;
      if (entry.rank !== rank || (previous && entry.score > previous.score))
        this.problems.push(`entry ${i} of ${board.length} out of order: ${JSON.stringify(board.slice(Math.max(0, i - 1), i + 1))}`);
    });
    // Boards only grow here: every delivery brings a new author to the topic, nobody leaves it.
    if (board.length < this.largest) this.problems.push(`a board of ${board.length} after one of ${this.largest}`);
    this.largest = Math.max(this.largest, board.length);
  },
  async poll() {
    while (this.running) {
      const board = await this.readBoard();
      if (board === null) {
        this.unavailable++;
        await sleep(50);
        continue;
      }
      this.reads++;
      this.check(board);
      await sleep(20);
    }
  },
};
let polling: Promise<void>;
let firstStart: number;

/** Every id in the log, with how many rows it has. */
const logIds = async () => copiesInLog(await logRows(objects));

/** Every interaction id in a queued message of the interactions queue (in flight included). */
const queuedIds = async (): Promise<Set<string>> => {
  const ids = new Set<string>();
  for (const message of await new LocalQueue(join(dataDir, 'queue')).messages('interactions'))
    for (const interaction of (JSON.parse(message.body) as { interactions: Interaction[] }).interactions) ids.add(keyOf(interaction));
  return ids;
};

/** Checked the instant the process is dead: nothing acknowledged lives only in its memory. */
const checkDurable = async (crash: number) => {
  const [inLog, queued] = await Promise.all([logIds(), queuedIds()]);
  const lost = [...sent.acknowledged].filter((id) => !inLog.has(id) && !queued.has(id) && !sent.optedOut.has(id));
  expect(lost, `acknowledged but neither in the log nor queued at crash ${crash}`).toEqual([]);
};

/** Checked after the restart drained the queue: every acknowledged interaction in the log exactly once, and marked. */
const checkApplied = async (crash: number) => {
  const inLog = await logIds();
  const wrong: string[] = [];
  for (const id of [...sent.acknowledged, ...sent.yesterday]) {
    const rows = inLog.get(id)?.rows ?? 0;
    // An opted-out account's interactions go with the purge: once, or not any more.
    if (rows !== 1 && !(rows === 0 && sent.optedOut.has(id))) wrong.push(`${id}: ${rows} rows`);
  }
  for (const [id, { rows }] of inLog) {
    if (!sent.acknowledged.has(id) && !sent.yesterday.has(id) && !sent.unanswered.has(id)) wrong.push(`${id}: in the log, never sent`);
    else if (rows !== 1) wrong.push(`${id}: ${rows} rows`);
  }
  expect(wrong, `after crash ${crash}`).toEqual([]);
  const kept = [...sent.acknowledged].filter((id) => !sent.optedOut.has(id));
  const marked = await ingest.appliedInteractions(kept.map((key) => ({ network: key.split(':')[0]!, id: key.slice(key.indexOf(':') + 1) })));
  expect(
    kept.filter((id) => !marked.has(id)),
    `not marked applied after crash ${crash}`,
  ).toEqual([]);
};

const stats = async () => (await (await admin(service, '/v1/admin/stats')).json()) as { interactions: number; pending: number; deadLetters: number };
const drained = () => waitFor('the queue to drain', async () => ((await stats()).pending === 0 ? true : undefined), 120_000);

/** Starts the service; returns when it began, so files it writes tell themselves from its predecessor's. */
const start = async () => {
  const began = Date.now();
  service = await startLocalService({ dataDir, env: { SWAY_DYNAMODB_ENDPOINT: endpoint } });
  liveness.up = true;
  return began;
};

/** The run's files, written since `since` (this attempt's, not an earlier attempt's of the same run). */
const runFiles = (runId: string, since: number) => {
  // The running service renames its temporary files while this looks: one listed a moment ago may be gone.
  const fresh = (path: string) => (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -Infinity) >= since;
  const folder = join(logDir, 'runs', runId);
  const tasks = fresh(join(folder, 'topics.json'))
    ? (JSON.parse(readFileSync(join(folder, 'topics.json'), 'utf8')) as { topics: string[] }[]).reduce((count, task) => count + task.topics.length, 0)
    : null;
  const outputs = existsSync(join(folder, 'topics')) ? readdirSync(join(folder, 'topics')).filter((file) => fresh(join(folder, 'topics', file))).length : 0;
  const processedDays = existsSync(join(logDir, 'state/processed')) ? readdirSync(join(logDir, 'state/processed')) : [];
  const resolving = processedDays.some((day) =>
    readdirSync(join(logDir, 'state/processed', day)).some((file) => file.includes(runId.slice(0, 12)) && fresh(join(logDir, 'state/processed', day, file))),
  );
  const compacting = fresh(join(logDir, 'state/index', `day=${yesterday.toISOString().slice(0, 10)}.parquet`));
  const planned = fresh(join(folder, 'plan.json'));
  const mode = planned ? (JSON.parse(readFileSync(join(folder, 'plan.json'), 'utf8')) as { mode: string }).mode : null;
  return { planned, mode, tasks, outputs, resolving, compacting };
};

const reached = (stage: Stage, files: ReturnType<typeof runFiles>): boolean => {
  switch (stage) {
    case 'compaction':
      return files.compacting;
    case 'prepare':
      return files.resolving;
    case 'topics':
      return files.planned;
    case 'finish':
      return files.tasks !== null && files.outputs >= files.tasks;
    case 'ingestion':
      return true;
  }
};

/**
 * Waits, looking every few milliseconds, until the run's files of this attempt show it reached
 * `stage` (true) — or it is no longer running (false: it went through the stage between two looks).
 */
const untilStage = async (runId: string, stage: Stage, since: number): Promise<boolean> => {
  const deadline = Date.now() + 180_000;
  for (let look = 0; ; look++) {
    if (reached(stage, runFiles(runId, since))) return true;
    if (look % 50 === 49 && (await runs.run(runId))?.status !== 'running') return false;
    if (Date.now() > deadline) throw new Error(`run ${runId} never reached ${stage}`);
    await sleep(5);
  }
};

/** Runs a kill may be aimed at before the test gives up on landing it in its stage. */
const MAX_AIMS = 5;

const manifestVersion = (): string | null =>
  existsSync(join(logDir, 'state/manifest.json'))
    ? (JSON.parse(readFileSync(join(logDir, 'state/manifest.json'), 'utf8')) as { version: string | null }).version
    : null;

describe('kill -9 while acknowledging deliveries and during every stage of a recompute', () => {
  beforeAll(async () => {
    endpoint = inject('dynamoDbEndpoint');
    const client = new DynamoDBClient(dynamoDbLocalConfig(endpoint));
    for (const table of [tables.main]) {
      try {
        await client.send(new DeleteTableCommand({ TableName: table.localName }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    }
    await createTables(client, [tables.main]);
    client.destroy();
    db = createDocumentClient(dynamoDbLocalConfig(endpoint));
    runs = new RunsStore(new Table(db, tables.main.localName));
    ingest = new IngestStore(new Table(db, tables.main.localName));

    // Yesterday: the service's own apply step and two recomputes, in this process, with the clock a
    // day back — so today's first run has a closed day to compact.
    Object.assign(process.env, {
      SWAY_LOG_DIR: logDir,
      SWAY_DYNAMODB_ENDPOINT: endpoint,
      SWAY_TABLE_NAME: tables.main.localName,
      AWS_REGION: 'local',
    });
    vi.resetModules();
    const { objectStore, stores } = await import('../../lib/wiring/dependencies');
    const { applyToLog } = await import('../../lib/app/log/apply-to-log');
    const { writeLogObject } = await import('../../lib/app/log/log-writer');
    const { runRecomputeLocally, unitsOver } = await import('../../lib/app/recompute/local-orchestrator');
    const { consent, ingest: ingestStore } = stores();
    vi.useFakeTimers({ toFake: ['Date'], now: yesterday });
    try {
      for (let part = 0; part < 2; part++) {
        for (let i = 0; i < YESTERDAY_AUTHORS / 2; i++) {
          const interactions = newDelivery();
          await applyToLog(
            { receivedAt: new Date().toISOString(), interactions },
            {
              optedOutAmong: (accounts) => consent.optedOutAmong(accounts),
              writeLogObject: (key, rows) => writeLogObject(objectStore(), key, rows),
              rememberApplied: (refs, at) => ingestStore.rememberApplied(refs, at),
              forgetApplied: (refs) => ingestStore.forgetApplied(refs),
            },
            new Date(),
          );
          for (const interaction of interactions) sent.yesterday.add(keyOf(interaction));
        }
        expect(
          await runRecomputeLocally({ runId: randomUUID(), trigger: 'schedule' }, unitsOver({ objects: objectStore(), ...stores() }), objectStore()),
        ).toMatchObject({ status: 'succeeded' });
      }
    } finally {
      vi.useRealTimers();
    }

    firstStart = await start();
    // The accounts that will opt out, each with replies in a topic of its own.
    for (let leaver = 0; leaver < LEAVERS; leaver++) {
      const interactions = newDelivery(`leaver-${leaver}`, 'leaving');
      expect((await signedPost(service, JSON.stringify({ interactions }))).status).toBe(202);
      for (const interaction of interactions) sent.acknowledged.add(keyOf(interaction));
    }
    polling = reader.poll();
  }, 120_000);

  afterAll(async () => {
    reader.running = false;
    await polling;
    await service?.stop();
    db?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`loses no acknowledged interaction, never serves a partial leaderboard and finishes every run, over ${KILLS.length} crashes`, async () => {
    const started: string[] = [];
    const evidence: { stage: Stage; runId: string; inProgress: boolean; committed: boolean; files: ReturnType<typeof runFiles> }[] = [];
    const noRunInProgress = () =>
      waitFor(
        'the runs started to end',
        async () => ((await Promise.all(started.map((id) => runs.run(id)))).every((run) => run?.status !== 'running') ? true : undefined),
        180_000,
      );
    let since = firstStart;
    let leavers = 0;

    for (const [crash, kill] of KILLS.entries()) {
      const t0 = Date.now();
      const laps: number[] = [];
      let runId: string | null = null;
      if (kill.optOut) {
        // So that this run is the one that purges: a full pass.
        await noRunInProgress();
        expect((await admin(service, `/v1/accounts/x/leaver-${leavers}`, { method: 'DELETE' })).status).toBe(202);
        for (const interaction of sent.byAuthor.get(`leaver-${leavers++}`)!) sent.optedOut.add(keyOf(interaction));
      }
      const sender = startSender();
      const startRun = async () => {
        const answer = await admin(service, '/v1/admin/recompute', { method: 'POST' });
        expect(answer.status).toBe(202);
        const id = ((await answer.json()) as { runId: string }).runId;
        started.push(id);
        return id;
      };
      if (kill.stage !== 'ingestion') runId = await startRun();
      let committedBefore = manifestVersion();
      if (runId) {
        // A run that went through the stage between two looks is let finish, and the kill aimed at the next one.
        for (let aims = 1; !(await untilStage(runId, kill.stage, since)); aims++) {
          if (aims === MAX_AIMS) throw new Error(`${aims} runs went through ${kill.stage} between two looks`);
          await noRunInProgress();
          committedBefore = manifestVersion();
          runId = await startRun();
        }
      } else await sleep(200 + Math.floor(random() * 800));

      laps.push(Date.now() - t0);
      liveness.up = false;
      liveness.kills++;
      await service.kill();
      await sender.stop();
      laps.push(Date.now() - t0);

      // The process is dead: what it left is what the next one finds.
      await checkDurable(crash);
      laps.push(Date.now() - t0);
      if (runId) {
        const files = runFiles(runId, since);
        const record = await runs.run(runId);
        const version = manifestVersion();
        evidence.push({
          stage: kill.stage,
          runId,
          inProgress: record?.status === 'running',
          committed: version !== committedBefore && version?.endsWith(runId.slice(0, 12)) === true,
          files,
        });
      }
      if (process.env.SWAY_CRASH_TRACE)
        console.log(
          `TRACE crash ${crash} ${kill.stage} ${runId ?? ''} ${JSON.stringify(evidence.at(-1) ?? {})} ack=${sent.acknowledged.size} unanswered=${sent.unanswered.size}`,
        );

      since = await start();
      laps.push(Date.now() - t0);
      await drained();
      laps.push(Date.now() - t0);
      await checkApplied(crash);
      laps.push(Date.now() - t0);
      if (process.env.SWAY_CRASH_TRACE) console.log(`TRACE laps ${laps.join(' ')}`);
    }

    // Every kill aimed at a run landed while it was running (its record `running`, its files of this
    // attempt written up to the stage it waited for) and, but for some of those aimed at its finish
    // (which may land after the commit), before it committed its state.
    expect(evidence.filter((kill) => !kill.inProgress)).toEqual([]);
    expect(evidence.filter((kill) => kill.committed && kill.stage !== 'finish')).toEqual([]);
    // The kill aimed at the compaction landed after it began (a file it writes exists) and before the run committed.
    expect(evidence.find((kill) => kill.stage === 'compaction')).toMatchObject({ committed: false, files: { compacting: true } });
    expect(evidence.filter((kill) => kill.stage === 'topics' || kill.stage === 'finish').every((kill) => kill.files.planned)).toBe(true);
    const fullPasses = evidence.filter((kill) => kill.files.mode === 'full' || kill.files.compacting).length;
    expect(fullPasses).toBeGreaterThanOrEqual(2);

    // The last recompute; then what every acknowledged interaction must have become.
    await drained();
    const finalRun = ((await (await admin(service, '/v1/admin/recompute', { method: 'POST' })).json()) as { runId: string }).runId;
    started.push(finalRun);
    for (const runId of started) {
      const run = await waitFor(
        `run ${runId}`,
        async () => {
          const answer = (await (await admin(service, `/v1/admin/runs/${runId}`)).json()) as { status: string };
          return answer.status === 'running' ? undefined : answer;
        },
        180_000,
      );
      expect(run, `run ${runId}`).toMatchObject({ status: 'succeeded' });
    }
    reader.running = false;
    await polling;

    const board = await reader.readBoard();
    expect(board).not.toBeNull();
    reader.check(board!);
    const onBoard = new Set(board!.map((entry) => entry.id));
    const inLog = await logIds();
    const authorApplied = (author: string) => sent.byAuthor.get(author)!.every((interaction) => inLog.has(keyOf(interaction)));
    const mustBeScored = acknowledgedAuthors().filter((author) => author.startsWith('author-'));
    expect(mustBeScored.filter((author) => !onBoard.has(author))).toEqual([]);
    expect([...onBoard].filter((author) => !sent.byAuthor.has(author) || !authorApplied(author))).toEqual([]);
    // Nothing of the accounts that opted out is left in the log, and they answer 410.
    expect([...sent.optedOut].filter((id) => inLog.has(id))).toEqual([]);
    for (let leaver = 0; leaver < LEAVERS; leaver++) expect((await fetch(`${service.url}/v1/accounts/x/leaver-${leaver}`)).status).toBe(410);
    // Each scored author's explanation counts exactly the replies the test sent it: one from each fan.
    const miscounted: string[] = [];
    for (const author of onBoard) {
      const answer = await fetch(`${service.url}/v1/accounts/x/${author}/explain?topic=${TOPIC}`);
      const explanation = (await answer.json()) as { topEngagers?: { id: string; interactions: number }[] };
      const counted = (explanation.topEngagers ?? []).map(({ id, interactions }) => `${id}=${interactions}`).sort();
      const expectedCount = sent.byAuthor
        .get(author)!
        .map((interaction) => `${interaction.actor.id}=1`)
        .sort();
      if (JSON.stringify(counted) !== JSON.stringify(expectedCount)) miscounted.push(`${author}: ${counted.join(' ')}`);
    }
    expect(miscounted).toEqual([]);
    // And the service counts exactly the interactions the log holds: every acknowledged one, and those unanswered ones that were applied.
    const applied = [...inLog.keys()];
    expect(applied.filter((id) => !sent.unanswered.has(id) && !sent.acknowledged.has(id) && !sent.yesterday.has(id))).toEqual([]);
    expect((await stats()).interactions).toBe(applied.length);

    expect(sent.problems).toEqual([]);
    expect(reader.problems).toEqual([]);
    expect(reader.reads).toBeGreaterThan(KILLS.length);
    const during = (stage: Stage) => evidence.filter((kill) => kill.stage === stage).length;
    console.log(
      `crash: ${KILLS.length} kill -9 of npm start with a sender delivering in every round, ${evidence.length} of them during a recompute, proven running ` +
        `(${during('compaction')} in the compaction of a closed day, ${during('prepare')} resolving or purging the log, ${during('topics')} scoring and publishing topics, ${during('finish')} finishing; ${fullPasses} of them in a full pass, ${evidence.filter((kill) => kill.committed).length} after the commit); ` +
        `${sent.acknowledged.size} acknowledged interactions of ${mustBeScored.length - YESTERDAY_AUTHORS} deliveries all in the log once, marked and scored (${sent.unanswered.size} unanswered, ${[...sent.unanswered].filter((id) => inLog.has(id)).length} of them applied); ` +
        `${started.length} runs started, all succeeded; ${reader.reads} whole board reads (${reader.pages} pages, ${reader.expiredCursors} restarted on an expired cursor), ${reader.unavailable} while the service was down, none partial`,
    );
  }, 900_000);
});

describe('a run killed after some of its topics were done, received again under the same id', () => {
  it('scores what was applied between the two attempts', async () => {
    const sway = await startInProcessSway();
    // The service's own module instances (startInProcessSway loaded them afresh).
    const { unitsOver } = await import('../../lib/app/recompute/local-orchestrator');
    const { newRun } = await import('../../lib/app/recompute/run-record');
    const deliver = async (interactions: Interaction[]) => {
      expect((await sway.ingest(JSON.stringify({ interactions }))).status).toBe(202);
      await sway.drained();
    };
    await sway.startConsumers();
    try {
      await deliver(engagements('committed-author', FANS, 'reply', [TOPIC]));
      await sway.recompute();
      await deliver(engagements('before-the-kill', FANS, 'reply', [TOPIC]));

      // The first attempt plans and scores every topic, and dies before its finish.
      const runId = randomUUID();
      await sway.stores.runs.putRun(newRun('api', runId));
      const units = unitsOver({ ...sway.stores, objects: sway.objects });
      const prepared = await units.prepare({ runId, trigger: 'api' });
      const tasks = JSON.parse(Buffer.from((await sway.objects.get(prepared.topicsKey))!).toString('utf8')) as Parameters<typeof units.topic>[0][];
      for (const task of tasks) await units.topic(task);
      // The restart frees the dead run's lock; meanwhile the queue applied what was acknowledged.
      await sway.stores.runs.releaseRunLock(runId);
      await deliver(engagements('between-attempts', FANS, 'reply', [TOPIC]));

      // The request comes back to a new process: the same run, a new attempt.
      vi.resetModules();
      const restarted = await import('../../lib/app/recompute/local-orchestrator');
      expect(
        await restarted.runRecomputeLocally({ runId, trigger: 'api' }, restarted.unitsOver({ ...sway.stores, objects: sway.objects }), sway.objects),
      ).toMatchObject({ status: 'succeeded' });
      for (const author of ['committed-author', 'before-the-kill', 'between-attempts']) {
        const answer = await sway.request({ method: 'GET', url: `/v1/accounts/x/${author}/explain?topic=${TOPIC}` });
        expect(answer.status, author).toBe(200);
        expect((JSON.parse(answer.body) as { topEngagers: unknown[] }).topEngagers, author).toHaveLength(FANS);
      }
      // And the next run still has it (its deltas were not dropped as merged).
      await sway.recompute();
      const board = JSON.parse((await sway.request({ method: 'GET', url: `/v1/topics/${TOPIC}/leaderboard` })).body) as { items: { id: string }[] };
      expect(board.items.map((entry) => entry.id).sort()).toEqual(['before-the-kill', 'between-attempts', 'committed-author']);
    } finally {
      await sway.stopConsumers();
    }
  });
});
