/**
 * The first unit of a run: it takes the run lock, decides whether the run is a full pass (the
 * daily one, which carries the decay, or any run that purges an opt-out) or incremental, purges
 * opted-out accounts from the log and the state, reads the log objects no run has read yet against
 * the committed state, compacts the state of closed days, and plans the topics to score.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Run } from '../api/schemas';
import { renamedAccounts } from '../aggregation/handles';
import { resolveLog, topicKeyOf, topicOfKey } from '../aggregation/resolve';
import { parseAccountKey } from '../../domain/interactions/schema';
import { RETENTION_DAYS } from '../../domain/retention';
import { sqlFiles, sqlString, withDuckDb, PARQUET_ZSTD } from '../../adapters/duckdb/duckdb';
import { scratchDirectory } from '../../adapters/scratch-folder';
import { objectStoreLayout } from '../log/layout';
import type { ObjectStore } from '../../adapters/object-store/object-store';
import type { AccountsStore } from '../../adapters/dynamodb/accounts-store';
import type { ConsentStore } from '../../adapters/dynamodb/consent-store';
import type { RunsStore } from '../../adapters/dynamodb/runs-store';
import { holdLease, RUN_LEASE_MS } from './run-guard';
import { RunInProgressError } from '../../domain/recompute-run';
import { newRun } from './run-record';
import {
  addCountsByDay,
  countsInWindow,
  dayOfVersion,
  planKey,
  readManifest,
  runVersion,
  topicsListKey,
  writeJson,
  type Manifest,
  type RunPlan,
} from './run-state';
import { purgeFromLogAndState } from './purge';
import { processedListKey, unreadLog } from './unread-log';
import { groupTopics, type PrepareInput, type PrepareOutput, type TopicTask } from './units';

export interface PrepareUnitPorts {
  objects: ObjectStore;
  runs: RunsStore;
  consent: Pick<ConsentStore, 'optOutState'>;
  accounts: Pick<AccountsStore, 'accounts'>;
  now?: () => Date;
  /** Log bytes resolved in one pass, in whole days (RESOLUTION_BATCH_BYTES unless a test asks for smaller batches). */
  resolutionBatchBytes?: number;
}

/** The scoring window, in days. */
export const WINDOW_DAYS = 90;
const DAY_MS = 86_400_000;
const dayOf = (time: number): string => new Date(time).toISOString().slice(0, 10);
/** The first day (YYYY-MM-DD) of the window of a run as of `asOf`. */
export const firstDayOfWindow = (asOf: string): string => dayOf(Date.parse(asOf) - WINDOW_DAYS * DAY_MS);

export const runPrepareUnit = async (input: PrepareInput, ports: PrepareUnitPorts): Promise<PrepareOutput> => {
  const { objects, runs } = ports;
  const now = ports.now ?? (() => new Date());
  const recorded = await runs.run(input.runId);
  const run: Run = recorded ?? newRun(input.trigger, input.runId);
  if (!(await runs.acquireRunLock(run.runId, RUN_LEASE_MS))) {
    if (input.trigger === 'api') throw new RunInProgressError();
    return { runId: run.runId, asOf: now().toISOString(), mode: 'incremental', topicsKey: '', topicCount: 0, skipped: true };
  }
  const asOf = now().toISOString();
  await runs.putRun({ ...run, status: 'running', startedAt: recorded?.startedAt ?? asOf });
  const lease = holdLease(runs, run.runId);
  const work = await scratchDirectory('prepare-');
  try {
    const plan = await withDuckDb((db) => plan_(db, input, asOf, work, ports));
    await lease.confirm();
    await writeJson(objects, planKey(run.runId), plan);
    await writeJson(objects, topicsListKey(run.runId), plan.tasks);
    return {
      runId: run.runId,
      asOf,
      mode: plan.mode,
      topicsKey: topicsListKey(run.runId),
      topicCount: plan.tasks.reduce((count, task) => count + task.topics.length, 0),
      skipped: false,
    };
  } finally {
    await lease.stop();
    await rm(work, { recursive: true, force: true });
  }
};

const plan_ = async (db: DuckDBConnection, input: PrepareInput, asOf: string, work: string, ports: PrepareUnitPorts): Promise<RunPlan> => {
  const { objects } = ports;
  const manifest = await readManifest(objects);
  const version = runVersion(asOf, input.runId);
  const today = asOf.slice(0, 10);
  const optOuts = await ports.consent.optOutState();
  const purging = [...optOuts.unpurged].sort();
  const full = input.full === true || purging.length > 0 || manifest.lastFullPass === null || manifest.lastFullPass.slice(0, 10) < today;
  const firstDay = firstDayOfWindow(asOf);
  const state = { index: [...manifest.index], content: [...manifest.content], handles: [...manifest.handles] };
  const added = { index: [] as string[], content: [] as string[], handles: [] as string[] };
  // Files this run adds and files it supersedes: the manifest the run commits holds (old ∪ added) − replaced.
  const replaced: string[] = [];

  // Log objects no run has read: of today and yesterday in an incremental run, of every day kept in a
  // full pass — but for the days the bucket is about to expire, whose state goes with them.
  const lastKeptDay = dayOf(Date.parse(asOf) - (RETENTION_DAYS - 2) * DAY_MS);
  const days = full ? (await logDays(objects)).filter((day) => day >= lastKeptDay) : [dayOf(Date.parse(asOf) - DAY_MS), today];
  const processed: Record<string, string> = { ...manifest.processed };
  const unread: string[][] = [];
  for (const day of await unreadLog(objects, manifest.processed, days)) {
    unread.push(day.unread);
    processed[day.day] = processedListKey(day.day, version);
    await writeJson(objects, processedListKey(day.day, version), [...day.read, ...day.unread].sort());
  }

  let purgedInteractions: { network: string; id: string }[] = [];
  if (purging.length > 0) {
    const purge = await purgeFromLogAndState(db, objects, { accounts: purging, state, version, work });
    purgedInteractions = purge.interactions;
    for (const [kind, files] of Object.entries(purge.rewritten) as [keyof typeof state, { from: string; to: string }[]][]) {
      for (const { from, to } of files) {
        state[kind] = state[kind].map((key) => (key === from ? to : key));
        added[kind].push(to);
        replaced.push(from);
      }
    }
  }

  const deltas: Record<string, string[]> = {};
  const deltaRows = new Map<string, number>();
  // Counted interactions by day, brought up to date batch by batch. A manifest written before they
  // were kept, or a purge (which takes interactions out of the index), has them counted from the index.
  let countedByDay: Record<string, number> | undefined =
    purging.length > 0 ? undefined : (manifest.countedByDay ?? (manifest.index.length === 0 ? {} : undefined));
  let countedChange = 0;
  if (unread.length > 0) {
    const files = await Promise.all(unread.map((keys) => objects.localPaths(keys, { missing: 'skip' })));
    // In batches of whole days, oldest first, each against the state the ones before it wrote — as
    // runs read the log day after day — so DuckDB never holds the whole window's log at once.
    const batches = await resolutionBatches(files, ports.resolutionBatchBytes ?? RESOLUTION_BATCH_BYTES);
    for (const [number, batch] of batches.entries()) {
      const batchVersion = batches.length === 1 ? version : `${version}.${String(number).padStart(4, '0')}`;
      const stateFiles = { index: await objects.localPaths(state.index), content: await objects.localPaths(state.content) };
      const folder = join(work, `batch-${number}`);
      await mkdir(folder);
      const output = {
        index: join(folder, 'index.parquet'),
        content: join(folder, 'content.parquet'),
        handles: join(folder, 'handles.parquet'),
        deltas: join(folder, 'deltas'),
      };
      const summary = await resolveLog(db, batch, stateFiles, output, batchVersion);
      countedChange += summary.countedChange;
      if (countedByDay) countedByDay = addCountsByDay(countedByDay, summary.countedByDay);
      for (const kind of ['index', 'content', 'handles'] as const) {
        const key = `state/${kind}/run-${batchVersion}.parquet`;
        await objects.putFile(key, output[kind]);
        state[kind].push(key);
        added[kind].push(key);
      }
      for (const [topicKey, rows] of Object.entries(summary.deltaRows)) deltaRows.set(topicKey, (deltaRows.get(topicKey) ?? 0) + rows);
      for (const topicKey of summary.topics) {
        const deltaFolder = join(output.deltas, `tk=${topicKey}`);
        deltas[topicKey] ??= [];
        for (const file of (await readdir(deltaFolder)).sort()) {
          const key = `state/deltas/${batchVersion}/${topicKey}/${file}`;
          await objects.putFile(key, join(deltaFolder, file));
          deltas[topicKey].push(key);
        }
      }
    }
  }

  if (full) {
    const compacted = await compactClosedDays(db, objects, state, today, work);
    for (const kind of ['index', 'content', 'handles'] as const) {
      added[kind].push(...compacted.added[kind]);
      state[kind] = [...state[kind].filter((key) => !compacted.replaced.includes(key)), ...compacted.added[kind]];
    }
    replaced.push(...compacted.replaced);
    countedByDay ??= await countedByDayOf(db, objects, state.index, firstDay);
  }
  const counted = countedByDay ? countsInWindow(countedByDay, firstDay) : undefined;

  const topicKeys = full
    ? new Set([...Object.keys(manifest.topics), ...Object.keys(deltas)])
    : new Set([
        ...Object.keys(deltas),
        ...Object.entries(manifest.topics)
          .filter(([, topic]) => topic.pending.length > 0)
          .map(([key]) => key),
        // Boards show handles: the topics of accounts whose handle changed publish theirs again.
        ...(await topicsOfRenamedAccounts(db, objects, manifest.handles, added.handles, ports.accounts)),
      ]);
  const mode = full ? 'full' : 'incremental';
  const weights = new Map([...topicKeys].map((key) => [key, (manifest.topics[key]?.head?.scoredAccounts ?? 0) + (deltaRows.get(key) ?? 0)]));
  const tasks: TopicTask[] = groupTopics(weights).map((keys) => ({ runId: input.runId, asOf, mode, topics: keys.map(topicOfKey) }));
  return {
    runId: input.runId,
    version,
    asOf,
    mode,
    firstDay,
    manifest,
    added,
    replaced,
    processed: Object.fromEntries(Object.entries(processed).filter(([day]) => day >= dayOf(Date.parse(asOf) - RETENTION_DAYS * DAY_MS))),
    deltas,
    purging,
    purgedInteractions,
    tasks,
    optOutEpoch: optOuts.epoch,
    interactions: counted?.total ?? Math.max(0, manifest.interactions + countedChange),
    ...(counted ? { countedByDay: counted.byDay } : {}),
  };
};

/** The topic keys of the accounts whose best handle the run's new sightings and claims changed. */
const topicsOfRenamedAccounts = async (
  db: DuckDBConnection,
  objects: ObjectStore,
  committed: readonly string[],
  added: readonly string[],
  accounts: PrepareUnitPorts['accounts'],
): Promise<string[]> => {
  const newFiles = await objects.localPaths(added.filter((key) => key.includes('/run-')));
  const renamed = await renamedAccounts(db, await objects.localPaths(committed), newFiles);
  if (renamed.length === 0) return [];
  const items = await accounts.accounts(renamed.map(parseAccountKey));
  return [...new Set(['_all', ...items.flatMap((item) => [...item.topicScores.keys()].map(topicKeyOf))])];
};

/** The days the log has objects for. */
const logDays = async (objects: ObjectStore): Promise<string[]> => {
  const keys = await objects.list(objectStoreLayout.log.prefix);
  return [...new Set(keys.map((key) => /^log\/day=(\d{4}-\d{2}-\d{2})\//.exec(key)?.[1]).filter((day): day is string => day !== undefined))].sort();
};

interface Compaction {
  added: { index: string[]; content: string[]; handles: string[] };
  replaced: string[];
}

/**
 * Closed days are compacted once: the state files the runs of a day wrote become one per day, and
 * files older than the log's retention are dropped (the bucket's lifecycle expires them).
 */
const compactClosedDays = async (
  db: DuckDBConnection,
  objects: ObjectStore,
  state: { index: string[]; content: string[]; handles: string[] },
  today: string,
  work: string,
): Promise<Compaction> => {
  const compaction: Compaction = { added: { index: [], content: [], handles: [] }, replaced: [] };
  const oldest = dayOf(Date.parse(`${today}T00:00:00Z`) - RETENTION_DAYS * DAY_MS);
  const partitionBy = { index: 'k', content: 'network, content_id', handles: 'account' } as const;
  for (const kind of ['index', 'content', 'handles'] as const) {
    const byDay = new Map<string, string[]>();
    for (const key of state[kind]) {
      const day = dayOfFile(key);
      if (day < oldest) compaction.replaced.push(key);
      else if (day < today && key.includes('/run-')) byDay.set(day, [...(byDay.get(day) ?? []), key]);
    }
    for (const [day, keys] of byDay) {
      const files = await objects.localPaths(keys);
      const output = join(work, `${kind}-${day}.parquet`);
      // Handles keep every account's best sighting; the other state keeps each key's latest row.
      const order = kind === 'handles' ? 'claimed DESC, seen_at DESC, handle DESC' : 'version DESC';
      await db.run(`COPY (SELECT * FROM read_parquet(${sqlFiles(files)}, union_by_name = true)
          QUALIFY row_number() OVER (PARTITION BY ${partitionBy[kind]} ORDER BY ${order}) = 1) TO ${sqlString(output)} (${PARQUET_ZSTD})`);
      const key = `state/${kind}/day=${day}.parquet`;
      await objects.putFile(key, output);
      compaction.added[kind].push(key);
      compaction.replaced.push(...keys);
    }
  }
  return compaction;
};

/** The day a state file holds: `day=YYYY-MM-DD` files, or the day of the version of a run's file. */
const dayOfFile = (key: string): string => /day=(\d{4}-\d{2}-\d{2})/.exec(key)?.[1] ?? dayOfVersion(/run-([^/]+)\.parquet$/.exec(key)?.[1] ?? '00000000');

/** Interactions that count in the window, by the day they occurred, from the index. */
const countedByDayOf = async (db: DuckDBConnection, objects: ObjectStore, index: readonly string[], firstDay: string): Promise<Record<string, number>> => {
  if (index.length === 0) return {};
  const files = await objects.localPaths(index);
  // By slices of the ids' hashes: each id's latest row is found within its slice, and no slice holds
  // the whole index. An aggregate (arg_max) rather than a window over the rows: it keeps one state
  // per id, where the window sorted every row.
  let counted: Record<string, number> = {};
  for (let slice = 0; slice < COUNT_SLICES; slice++) {
    const rows = (
      await db.runAndReadAll(`SELECT latest.occurred_at::DATE::VARCHAR AS day, count(*) FROM (
          SELECT arg_max({'status': status, 'occurred_at': occurred_at}, version) AS latest FROM read_parquet(${sqlFiles(files)}, union_by_name = true)
          WHERE hash(k) % ${COUNT_SLICES} = ${slice} GROUP BY k
        ) WHERE latest.status = 'counted' AND latest.occurred_at >= DATE ${sqlString(firstDay)} GROUP BY day`)
    ).getRows();
    counted = addCountsByDay(counted, Object.fromEntries(rows.map(([day, count]) => [String(day), Number(count)])));
  }
  return counted;
};

const COUNT_SLICES = 2;
/**
 * Log bytes resolved in one pass. A log row takes 16–42 bytes in Parquet (measured: the synthetic
 * world, Higgs) and hundreds in DuckDB while it is resolved; 32 MiB of log, at most about 2 M rows,
 * keeps a batch inside the prepare function's DuckDB share (half of 3,008 MB), where 10 M rows at
 * once ran out of it.
 */
const RESOLUTION_BATCH_BYTES = 32 * 1024 * 1024;

/** The unread log's days in order, as batches of whole days of at most `limit` bytes (a larger day is a batch of its own). */
const resolutionBatches = async (days: readonly (readonly string[])[], limit: number): Promise<string[][]> => {
  const batches: string[][] = [];
  let bytes = Number.POSITIVE_INFINITY;
  for (const files of days) {
    if (files.length === 0) continue;
    let size = 0;
    for (const file of files) size += (await stat(file)).size;
    if (bytes + size > limit) {
      batches.push([]);
      bytes = 0;
    }
    batches.at(-1)!.push(...files);
    bytes += size;
  }
  return batches;
};

export type { Manifest };
