/**
 * The last unit of a run: it writes the account items of every account whose scores or handle
 * changed, publishes the topic list, commits the run's state by writing the manifest, completes
 * the purge of opted-out accounts, deletes what the committed state no longer needs, and records
 * the run. A topic whose worker failed keeps its previous head and its deltas wait for the next run.
 */
import { rm } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Run } from '../api/schemas';
import { bestHandlesQuery, renamedAccounts } from '../aggregation/handles';
import { appendStrings } from '../aggregation/topic-window';
import { topicKeyOf } from '../aggregation/resolve';
import { parseAccountKey } from '../../domain/interactions/schema';
import { sqlFiles, sqlString, streamedRows, withDuckDb } from '../../adapters/duckdb/duckdb';
import { scratchDirectory } from '../../adapters/scratch-folder';
import { objectStoreLayout } from '../log/layout';
import type { ObjectStore } from '../../adapters/object-store/object-store';
import type { AccountChange, AccountsStore } from '../../adapters/dynamodb/accounts-store';
import type { BoardsStore } from '../../adapters/dynamodb/boards-store';
import type { ConsentStore } from '../../adapters/dynamodb/consent-store';
import type { IngestStore } from '../../adapters/dynamodb/ingest-store';
import { boards, OVERALL_TOPIC } from '../../adapters/dynamodb/keys';
import type { RunsStore } from '../../adapters/dynamodb/runs-store';
import { publishBoard } from './publish-board';
import { holdLease } from './run-guard';
import { OptOutsChangedError } from '../../domain/recompute-run';
import {
  filesOfHead,
  MANIFEST_KEY,
  readJson,
  runPrefix,
  topicChangesKey,
  topicOutputKey,
  writeJson,
  type Manifest,
  type RunPlan,
  type TopicHead,
} from './run-state';
import { loadPlan, TopicOutputSchema } from './topic-unit';
import type { FinishInput } from './units';

export interface FinishUnitPorts {
  objects: ObjectStore;
  runs: RunsStore;
  consent: Pick<ConsentStore, 'optOutState' | 'markPurged'>;
  accounts: Pick<AccountsStore, 'applyAccountChanges' | 'deleteTraces'>;
  boards: BoardsStore;
  ingest: Pick<IngestStore, 'forgetApplied'>;
  now?: () => Date;
}

export const runFinishUnit = async (input: FinishInput, ports: FinishUnitPorts): Promise<Run> => {
  const { objects, runs } = ports;
  const now = ports.now ?? (() => new Date());
  const plan = await loadPlan(objects, input.runId);
  const lease = holdLease(runs, input.runId);
  const work = await scratchDirectory('finish-');
  try {
    const heads = new Map<string, TopicHead>();
    const failed: string[] = [];
    for (const topic of plan.tasks.flatMap((task) => task.topics)) {
      const output = await readJson(objects, topicOutputKey(plan.runId, topicKeyOf(topic)), TopicOutputSchema);
      // An output of an earlier attempt of this run (another plan) is not this one's: the topic failed.
      if (output && output.head.version === plan.version) heads.set(topicKeyOf(topic), output.head);
      else failed.push(topic);
    }
    const manifest = nextManifest(plan, heads);
    await lease.confirm();
    const accounts = await withDuckDb((db) => writeAccounts(db, plan, manifest, heads, ports));
    await lease.confirm();
    await publishTopicList(plan, manifest, ports);
    // The commit: from here on the next run starts from this run's state.
    await writeJson(objects, MANIFEST_KEY, manifest);

    for (const account of plan.purging) {
      const { network, id } = parseAccountKey(account);
      await ports.accounts.deleteTraces(network, id);
      // A topic that failed still holds the account in its scores: the purge stays due, so the next run is a full pass too.
      if (failed.length === 0) await ports.consent.markPurged(account, plan.asOf);
    }
    await ports.ingest.forgetApplied(plan.purgedInteractions);
    await deleteSuperseded(objects, plan, manifest, heads);

    const finished: Run = {
      ...(await runs.run(plan.runId))!,
      status: failed.length === 0 ? 'succeeded' : 'failed',
      finishedAt: now().toISOString(),
      topics: Object.entries(manifest.topics).filter(([key, topic]) => key !== '_all' && topic.head && topic.head.scoredAccounts > 0).length,
      accounts,
      mode: plan.mode,
      interactions: manifest.interactions,
      ...(failed.length > 0 ? { error: `${failed.length} topics failed: ${failed.slice(0, 5).join(', ')}` } : {}),
    };
    await runs.finishRun(finished);
    // What the units handed each other goes with the run: it names accounts, opted-out ones included.
    await objects.delete(await objects.list(runPrefix(plan.runId)));
    return finished;
  } finally {
    await lease.stop();
    await runs.releaseRunLock(input.runId);
    await rm(work, { recursive: true, force: true });
  }
};

/** The state this run commits: (old ∪ added) − replaced, each topic's new head or its pending deltas. */
const nextManifest = (plan: RunPlan, heads: ReadonlyMap<string, TopicHead>): Manifest => {
  const { manifest } = plan;
  const replaced = new Set(plan.replaced);
  const merge = (old: readonly string[], added: readonly string[]) => [...new Set([...old, ...added])].filter((key) => !replaced.has(key));
  const topics: Manifest['topics'] = {};
  for (const key of new Set([...Object.keys(manifest.topics), ...Object.keys(plan.deltas)])) {
    const old = manifest.topics[key] ?? { head: null, pending: [] };
    const head = heads.get(key);
    topics[key] = head ? { head, pending: [] } : { head: old.head, pending: [...old.pending, ...(plan.deltas[key] ?? [])] };
  }
  return {
    version: plan.version,
    lastFullPass: plan.mode === 'full' ? plan.asOf : manifest.lastFullPass,
    index: merge(manifest.index, plan.added.index),
    content: merge(manifest.content, plan.added.content),
    handles: merge(manifest.handles, plan.added.handles),
    processed: plan.processed,
    topics,
    interactions: plan.interactions,
    ...(plan.countedByDay ? { countedByDay: plan.countedByDay } : {}),
  };
};

/**
 * One update per account whose overall score, topic scores or handle changed: the topic workers'
 * changes merged per account, and the handles the run's new sightings changed. Written a page of
 * accounts at a time, streamed in account order, so a run that changes a million accounts never
 * holds them all. Returns the number of accounts the overall pseudo-topic holds.
 */
const writeAccounts = async (
  db: DuckDBConnection,
  plan: RunPlan,
  manifest: Manifest,
  heads: ReadonlyMap<string, TopicHead>,
  ports: FinishUnitPorts,
): Promise<number> => {
  const { objects } = ports;
  const changeFiles: string[] = [];
  const topicOfFile: string[] = [];
  for (const key of heads.keys()) {
    const [file] = await objects.localPaths([topicChangesKey(plan.runId, key)]);
    if (!file) continue;
    changeFiles.push(file);
    topicOfFile.push(key === '_all' ? OVERALL_TOPIC : key);
  }
  // Each row names its file by number: the rows are millions, and a file's name is a long string to read back for each.
  await db.run(`CREATE OR REPLACE TEMP TABLE change_files (filename VARCHAR, number INTEGER)`);
  const files = await db.createAppender('change_files');
  changeFiles.forEach((file, number) => {
    files.appendVarchar(file);
    files.appendInteger(number);
    files.endRow();
  });
  files.closeSync();
  // Accounts whose best handle the run's sightings changed (an account seen again under the handle it had is not written again).
  const newSightings = await objects.localPaths(plan.added.handles.filter((key) => key.includes('/run-')));
  await db.run(`CREATE OR REPLACE TEMP TABLE renamed (account VARCHAR)`);
  await appendStrings(db, 'renamed', await renamedAccounts(db, await objects.localPaths(plan.manifest.handles), newSightings));
  const handleFiles = await objects.localPaths(manifest.handles);
  // Every change row, and a row without a topic for each renamed account, with the account's handle, in account order.
  const changes = `SELECT f.number AS file, account, score, scored FROM ${changeFiles.length > 0 ? `read_parquet(${sqlFiles(changeFiles)}, filename = true) JOIN change_files f USING (filename)` : `(SELECT NULL::INTEGER AS number, NULL::VARCHAR AS account, NULL::DOUBLE AS score, NULL::BOOLEAN AS scored WHERE false) f`}
    UNION ALL SELECT NULL, account, NULL, NULL FROM renamed`;
  const rows = streamedRows(
    db,
    `WITH changes AS (${changes}), best AS (${bestHandlesQuery(handleFiles, `SELECT account FROM changes`)})
     SELECT c.file, c.account, c.score, c.scored, b.handle FROM changes c LEFT JOIN best b USING (account) ORDER BY c.account`,
  );
  let page = new Map<string, AccountChange>();
  for await (const chunk of rows) {
    for (const [file, accountValue, score, scored, handle] of chunk) {
      const account = String(accountValue);
      // In account order: a page ends between accounts, never inside one account's rows.
      if (page.size >= ACCOUNT_PAGE && !page.has(account)) {
        await ports.accounts.applyAccountChanges([...page.values()]);
        page = new Map();
      }
      let change = page.get(account);
      if (!change) {
        // Fields named one by one: an object spread here, later given its scores, cost seconds a million accounts.
        const { network, id } = parseAccountKey(account);
        change = { network, id, computedAt: plan.asOf, runId: plan.runId, handle: handle === null ? null : String(handle) };
        page.set(account, change);
      }
      if (file === null) continue;
      const topic = topicOfFile[Number(file)]!;
      if (topic === OVERALL_TOPIC) change.score = score === null ? 1 : Number(score);
      else if (scored) {
        change.topicScores ??= {};
        change.topicScores[topic] = Number(score);
      } else {
        change.droppedTopics ??= [];
        change.droppedTopics.push(topic);
      }
    }
  }
  if (page.size > 0) await ports.accounts.applyAccountChanges([...page.values()]);
  await db.run(`DROP TABLE renamed`);
  await db.run(`DROP TABLE change_files`);
  const overall = heads.get('_all') ?? plan.manifest.topics._all?.head;
  if (!overall) return 0;
  const [scores] = await objects.localPaths([overall.scores]);
  return scores ? Number((await db.runAndReadAll(`SELECT count(*) FROM read_parquet(${sqlString(scores)})`)).getRows()[0]![0]) : 0;
};

/** Accounts written at a time: what a run that changes a million accounts holds of them in memory. */
const ACCOUNT_PAGE = 5_000;

/** The topic list board: topics with scored accounts, largest first. It names no account, so an opt-out since changes nothing in it. */
const publishTopicList = async (plan: RunPlan, manifest: Manifest, ports: FinishUnitPorts): Promise<void> => {
  const sizes = Object.entries(manifest.topics)
    .filter(([key, topic]) => key !== '_all' && topic.head && topic.head.scoredAccounts > 0)
    .map(([topic, state]) => ({ topic, accounts: state.head!.scoredAccounts }))
    .sort((a, b) => b.accounts - a.accounts || (a.topic < b.topic ? -1 : 1));
  const entries = sizes.map((size, index) => ({ rank: index + 1, ...size }));
  for (;;) {
    const { epoch } = await ports.consent.optOutState();
    try {
      const published = await publishBoard(
        ports.boards,
        boards.topics,
        entries,
        { version: plan.version, computedAt: plan.asOf },
        { runId: plan.runId, optOutEpoch: epoch },
        { keepReplaced: true },
      );
      await ports.boards.deleteChunks(boards.topics, published.unreferenced);
      return;
    } catch (error) {
      if (!(error instanceof OptOutsChangedError)) throw error;
    }
  }
};

/** What the committed state no longer names: replaced state files, merged deltas, superseded topic files, earlier runs' hand-overs. */
const deleteSuperseded = async (objects: ObjectStore, plan: RunPlan, manifest: Manifest, heads: ReadonlyMap<string, TopicHead>): Promise<void> => {
  const doomed = new Set(plan.replaced);
  // Lists of read log objects this run replaced with longer ones.
  for (const [day, key] of Object.entries(plan.manifest.processed)) if (manifest.processed[day] !== key) doomed.add(key);
  for (const key of heads.keys()) {
    const old = plan.manifest.topics[key];
    for (const delta of [...(old?.pending ?? []), ...(plan.deltas[key] ?? [])]) doomed.add(delta);
    for (const file of old?.head ? filesOfHead(old.head) : []) doomed.add(file);
  }
  // What the committed heads still name: a model of the last full pass, a window and deltas an
  // incremental run did not merge, a topic's daily snapshots (scores of earlier runs, kept for campaign search's `rising`).
  const named = Object.values(manifest.topics).flatMap(({ head }) => (head ? filesOfHead(head) : []));
  const kept = new Set([...manifest.index, ...manifest.content, ...manifest.handles, ...named]);
  await objects.delete([...doomed].filter((key) => !kept.has(key)));
  // Runs that failed left theirs for inspection; a run that succeeds after them clears them.
  const earlierRuns = (await objects.list(objectStoreLayout.runs.prefix)).filter((key) => !key.startsWith(runPrefix(plan.runId)));
  await objects.delete(earlierRuns);
};
