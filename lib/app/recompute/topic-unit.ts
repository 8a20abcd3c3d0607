/**
 * The topics of a run (a Distributed Map item in AWS holds one or several): each one's window
 * brought up to date with the run's deltas, scored — afresh in a full pass, or only the authors
 * whose engagement changed, against the topic's last full pass, in an incremental run — and what
 * changed published: explanations, history points, the boards and the rank index. What a topic
 * wrote for the run's finish and the next run goes to the object store; a retry of the same run
 * skips a topic it finds finished and redoes all of the publishing of one it finds begun.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString, withDuckDb, PARQUET_ZSTD } from '../../adapters/duckdb/duckdb';
import { scratchDirectory } from '../../adapters/scratch-folder';
import { inParallel } from '../../adapters/in-parallel';
import type { ObjectStore } from '../../adapters/object-store/object-store';
import { topicKeyOf } from '../aggregation/resolve';
import {
  appendStrings,
  audienceSketchesQuery,
  deltasNameAny,
  dropTouchedParts,
  mergeTopicWindow,
  mergeTopicWindows,
  type MergedWindow,
  readTopContent,
  readMergedAggregates,
  readTopicAggregates,
  readTouchedAggregates,
  readTouchedParts,
  readTouchedTopContent,
  type TopContent,
  type TopicSources,
  type TopicWindow,
  type TouchedPart,
  type WindowFiles,
} from '../aggregation/topic-window';
import { scoreTopicRanking, rescoreAuthors, type TopicRanking } from '../../domain/scoring/topic-scores';
import { topicAggregatesOf, type TopicAggregates } from '../../domain/scoring/engagement';
import { topicModelFromJSON, topicModelToJSON, type TopicModelJSON } from '../../domain/scoring/topic-model';
import type { AccountsStore } from '../../adapters/dynamodb/accounts-store';
import type { BoardsStore } from '../../adapters/dynamodb/boards-store';
import { knownOptOutsOf, type ConsentStore, type KnownOptOutState } from '../../adapters/dynamodb/consent-store';
import { PendingAccountWrites } from './pending-account-writes';
import { holdLease, type Lease, type LeasePorts } from './run-guard';
import { LeaseLostError, OptOutsChangedError } from '../../domain/recompute-run';
import { logger } from '../../adapters/observability';
import {
  daysBefore,
  readJson,
  RISING_DAYS,
  RunPlanSchema,
  topicOutputKey,
  MOST_UNMERGED_FILES,
  OBJECT_CALLS_IN_FLIGHT,
  explanationFilesOf,
  writeJson,
  type RunPlan,
  type TopicHead,
} from './run-state';
import { TopicResultSchema, type TopicResult, type TopicTask } from './units';
import { z } from 'zod';
import { publishBoards, type PublishedBoard } from './publish-board';
import { explanationsAtHand, listedAuthors, PendingTopicFiles, type ExplanationsAtHand, type ScoredAuthors } from './topic-files';
import { findChangesOfTopics, type BoardsDone, type RunOfTask, type ScoredTopic, type TopicBoards, type UnpublishedHead } from './topic-changes';

export interface TopicUnitPorts {
  objects: ObjectStore;
  consent: Pick<ConsentStore, 'optOutState' | 'optOutEpoch'>;
  runs: LeasePorts;
  boards: BoardsStore;
  accounts: Pick<AccountsStore, 'writeExplanations' | 'deleteExplanations' | 'writeHistory'>;
  /** MOST_UNMERGED_FILES, smaller in tests of the merges it brings. */
  mostUnmergedFiles?: number;
}

export const TopicOutputSchema = z.object({ result: TopicResultSchema, head: z.custom<TopicHead>() });
type TopicOutput = z.infer<typeof TopicOutputSchema>;

const TOP_CONTENT = 5;
/** Account writes an item holds before writing them: what a topic of a million accounts holds of them in memory. */
const PENDING_WRITES = 5_000;

const plans = new Map<string, Promise<RunPlan>>();
/** A run's plan, read once per process (for the run at hand: one run at a time). */
export const loadPlan = (objects: ObjectStore, runId: string): Promise<RunPlan> => {
  let plan = plans.get(runId);
  if (!plan) {
    plans.clear();
    plan = readJson(objects, `runs/${runId}/plan.json`, RunPlanSchema).then((found) => {
      if (!found) throw new Error(`run ${runId} has no plan`);
      return found;
    });
    plans.set(runId, plan);
    plan.catch(() => plans.delete(runId));
  }
  return plan;
};

/** Topics of a map item that failed (the others were published): the item's retry scores only these. */
export class TopicsFailedError extends Error {
  constructor(readonly topics: readonly string[]) {
    super(`${topics.length} topics failed: ${topics.slice(0, 5).join(', ')}`);
    this.name = 'TopicsFailedError';
  }
}

/**
 * A map item: its topics one after another, under one lease, on one DuckDB connection. Each is
 * scored and what changed is found; their history points and explanations are written together,
 * then their boards' chunks together, then their pointers flip together, then their rank indexes together. A
 * topic that fails does not stop the others; the item then fails, and its retry (the state
 * machine's, or the local orchestrator's) skips the topics an earlier attempt of this plan finished.
 */
export const runTopicUnit = async (task: TopicTask, ports: TopicUnitPorts): Promise<TopicResult[]> => {
  const plan = await loadPlan(ports.objects, task.runId);
  const lease = holdLease(ports.runs, task.runId);
  // The item's topics' files, kept until their changes are found together.
  const work = await scratchDirectory('item-');
  try {
    return await withDuckDb(async (db) => {
      const results: TopicResult[] = [];
      const failed: string[] = [];
      const fail = (topic: string, error: unknown) => {
        if (error instanceof LeaseLostError) throw error;
        logger.warn('a topic of the run failed', { runId: task.runId, topic, error: error instanceof Error ? error.stack : String(error) });
        failed.push(topic);
      };
      const writes = new PendingAccountWrites(ports.accounts, task.asOf.slice(0, 10), PENDING_WRITES);
      const scored: (ScoredTopic & { optOutEpoch: number })[] = [];
      let optOuts: KnownOptOutState | undefined;
      let together: Map<string, ReadTogether>;
      if (task.mode === 'full') {
        optOuts = await knownOptOutsOf(ports.consent).current();
        together = await windowsMergedTogether(db, task, plan, ports.objects, optOuts);
      } else together = await touchedPartsTogether(db, task, plan, ports.objects);
      const itemFiles = await PendingTopicFiles.open(db, join(work, 'item'), 'item');
      const earlierOutputs = await readEarlierOutputs(ports.objects, task);
      for (const [index, topic] of task.topics.entries()) {
        try {
          const earlier = await earlierOutputs.get(topic)!;
          // Finished by an earlier attempt of this plan: its output is written only once all of it is published.
          // A run received again after its process died plans afresh (new version, new log objects): what its earlier attempt found is not this plan's.
          if (earlier?.head.version === plan.version) results.push(earlier.result);
          else {
            // Read here, not taken from the plan: an opt-out since prepare is left out on this attempt.
            optOuts ??= await knownOptOutsOf(ports.consent).current();
            const part = together.get(topicKeyOf(topic));
            // Merged without an opt-out read since (after a topic failed): this topic merges its own window.
            const read = part && 'optOutEpoch' in part && part.optOutEpoch !== optOuts.epoch ? undefined : part;
            scored.push(await scoreTopic(db, task, topic, plan, lease, ports, optOuts, earlier !== null, read, itemFiles, join(work, `topic-${index}`)));
          }
        } catch (error) {
          fail(topic, error);
          // The opt-outs are read again for the next topic: one that landed may be why this one failed.
          optOuts = undefined;
        }
      }
      const filesFailed = await itemFiles.write(ports.objects);
      const withFiles = scored.filter((topic) => {
        const failure = filesFailed.get(topic.key);
        if (failure !== undefined) fail(topic.topic, failure);
        return failure === undefined;
      });
      const found = await findChangesOfItem(db, task, plan, withFiles, work, ports, writes, fail);
      // What scoring left at hand (a large topic's graph among it) goes before the boards are published.
      for (const topic of scored) topic.atHand = undefined;
      await writes.flush();
      const written = found.filter((topic) => {
        const writeFailure = writes.failureOf(topic.topic);
        if (writeFailure !== undefined) fail(topic.topic, writeFailure);
        return writeFailure === undefined;
      });
      const outcomes = await publishTopicBoards(
        written.map((topic) => topic.boards),
        ports,
        task.asOf,
      );
      const published: { topic: FoundTopic; result: TopicResult }[] = [];
      written.forEach((topic, i) => {
        const outcome = outcomes[i]!;
        if ('result' in outcome) published.push({ topic, result: outcome.result });
        else fail(topic.topic, outcome.error);
      });
      // An opt-out that landed while these topics wrote what they found: their writes may name the account. Another attempt leaves it out.
      const epoch = published.length > 0 ? await ports.consent.optOutEpoch() : undefined;
      const finished: typeof published = [];
      for (const entry of published) {
        if (entry.topic.optOutEpoch === epoch) finished.push(entry);
        else fail(entry.topic.topic, new OptOutsChangedError());
      }
      await inParallel(finished, OBJECT_CALLS_IN_FLIGHT, ({ topic, result }) =>
        writeJson(ports.objects, topicOutputKey(task.runId, topic.key), { result, head: { ...topic.head, scoredAccounts: result.scoredAccounts } }),
      );
      results.push(...finished.map(({ result }) => result));
      if (failed.length > 0) throw new TopicsFailedError(failed);
      return results;
    });
  } finally {
    await lease.stop();
    await rm(work, { recursive: true, force: true });
  }
};

/**
 * What an earlier attempt of this run wrote for each topic of the item, read before the topics are
 * scored, a few at a time (a read that fails fails its topic when the topic comes up).
 */
const readEarlierOutputs = async (objects: ObjectStore, task: TopicTask): Promise<Map<string, Promise<TopicOutput | null>>> => {
  const outputs = new Map<string, Promise<TopicOutput | null>>();
  await inParallel(task.topics, OBJECT_CALLS_IN_FLIGHT, async (topic) => {
    const read = readJson(objects, topicOutputKey(task.runId, topicKeyOf(topic)), TopicOutputSchema);
    outputs.set(topic, read);
    await read.catch(() => undefined);
  });
  return outputs;
};

/** A topic's touched part read with the item's other topics, with its aggregates, its authors' top content and the files it was read from. */
type TouchedTogether = TouchedPart & { aggregates: TopicAggregates; topContent: TopContent; sources: WindowSources };

/** A full pass's topic's window merged with the item's other topics' (mergeTopicWindows), its aggregates, its authors' top content, the files and the opt-outs it was merged from. */
type MergedTogether = MergedWindow & { aggregates: TopicAggregates; topContent: TopContent; sources: WindowSources; optOutEpoch: number };

/** What a topic of an item reads with the others: an incremental pass's touched part, or a full pass's window. */
type ReadTogether = TouchedTogether | MergedTogether;

/**
 * The windows of a full item's topics, merged together (mergeTopicWindows) without the accounts
 * opted out in `optOuts`. None when the item has one topic, or merging them together fails: each
 * topic then merges its own.
 */
const windowsMergedTogether = async (
  db: DuckDBConnection,
  task: TopicTask,
  plan: RunPlan,
  objects: ObjectStore,
  optOuts: KnownOptOutState,
): Promise<Map<string, MergedTogether>> => {
  if (task.topics.length < 2) return new Map();
  try {
    const sources = new Map<string, WindowSources>();
    for (const topic of task.topics) sources.set(topicKeyOf(topic), await windowSources(objects, plan, topicKeyOf(topic)));
    const merged = await mergeTopicWindows(db, [...sources.values()], { firstDay: plan.firstDay, withoutDigests: hexDigestsOf(optOuts.digests) }, 'item');
    const aggregates = await readMergedAggregates(db, 'item');
    const topContent = await readTouchedTopContent(db, 'item', TOP_CONTENT);
    return new Map(
      [...merged].map(([key, window]) => [
        key,
        {
          ...window,
          aggregates: aggregates.get(key) ?? topicAggregatesOf([], []),
          topContent: topContent.get(key) ?? new Map(),
          sources: sources.get(key)!,
          optOutEpoch: optOuts.epoch,
        },
      ]),
    );
  } catch (error) {
    logger.warn('merging the windows of an item’s topics together failed: each topic merges its own', {
      runId: task.runId,
      error: error instanceof Error ? error.stack : String(error),
    });
    await dropTouchedParts(db, 'item').catch(() => undefined);
    return new Map();
  }
};

/** Opted-out accounts as the window merges name them: the hex SHA-256 of `network:id`. */
const hexDigestsOf = (digests: ReadonlySet<string>): string[] => [...digests].map((digest) => Buffer.from(digest, 'base64url').toString('hex'));

/**
 * The touched parts of an incremental item's topics (readTouchedParts), read together. None when
 * the item has one topic, or reading them together fails: each topic then reads its own.
 */
const touchedPartsTogether = async (db: DuckDBConnection, task: TopicTask, plan: RunPlan, objects: ObjectStore): Promise<Map<string, TouchedTogether>> => {
  const keys = task.topics.map(topicKeyOf).filter((key) => plan.manifest.topics[key]?.head?.model);
  if (task.mode === 'full' || keys.length < 2) return new Map();
  try {
    const sources = new Map<string, WindowSources>();
    for (const key of keys) sources.set(key, await windowSources(objects, plan, key));
    const parts = await readTouchedParts(db, [...sources.values()], plan.firstDay, 'item');
    const aggregates = await readTouchedAggregates(db, 'item');
    const topContent = await readTouchedTopContent(db, 'item', TOP_CONTENT);
    return new Map(
      [...parts].map(([key, part]) => [
        key,
        {
          ...part,
          aggregates: aggregates.get(key) ?? topicAggregatesOf([], []),
          topContent: topContent.get(key) ?? new Map(),
          sources: sources.get(key)!,
        },
      ]),
    );
  } catch (error) {
    logger.warn('reading the touched parts of an item’s topics together failed: each topic reads its own', {
      runId: task.runId,
      error: error instanceof Error ? error.stack : String(error),
    });
    return new Map();
  }
};

type WindowSources = TopicSources & { deltaKeys: string[] };

/** A topic's window as its last run left it, with this run's deltas beside it; and those deltas, whose accounts an incremental pass rescores. */
const windowSources = async (objects: ObjectStore, plan: RunPlan, key: string): Promise<WindowSources> => {
  const state = plan.manifest.topics[key] ?? { head: null, pending: [] };
  const deltaKeys = [...state.pending, ...(plan.deltas[key] ?? [])];
  const deltas = await objects.localPaths(deltaKeys);
  const [merged] = state.head ? await objects.localPaths([state.head.window]) : [];
  const window = { merged: merged ?? null, deltas: [...(await objects.localPaths(state.head?.windowDeltas ?? [])), ...deltas], firstDay: plan.firstDay };
  return { key, deltaKeys, deltas, window };
};

/** A topic scored and its changes found: its history points and explanations handed to the item's pending writes, its boards still to flip. */
interface FoundTopic {
  topic: string;
  key: string;
  head: UnpublishedHead;
  optOutEpoch: number;
  boards: TopicBoards;
}

/** Scores a topic of the item in `work`, a folder of its own the item removes once its changes are found. */
const scoreTopic = async (
  db: DuckDBConnection,
  run: RunOfTask,
  topic: string,
  plan: RunPlan,
  lease: Lease,
  ports: TopicUnitPorts,
  optOuts: KnownOptOutState,
  triedBefore: boolean,
  /** What it read with the item's other topics. */
  together: ReadTogether | undefined,
  itemFiles: PendingTopicFiles,
  work: string,
): Promise<ScoredTopic & { optOutEpoch: number }> => {
  const key = topicKeyOf(topic);
  await mkdir(work, { recursive: true });
  // An earlier attempt of this run may have published part of what it found: this one writes everything again.
  const rewriteAll = triedBefore || (await ports.objects.list(`state/topics/${key}/`)).some((file) => file.includes(`-${run.runId.slice(0, 12)}.`));
  const { head, atHand } = await updateWindowAndScore(db, run, plan, key, work, ports, optOuts, together, itemFiles);
  await lease.confirm();
  return { topic, key, head, guard: { runId: run.runId, optOutEpoch: optOuts.epoch }, rewriteAll, optOutEpoch: optOuts.epoch, atHand };
};

/**
 * The changes of the item's scored topics, found together (findChangesOfTopics); when that fails,
 * each topic finds its own, so one topic's failure does not fail the others.
 */
const findChangesOfItem = async (
  db: DuckDBConnection,
  run: RunOfTask,
  plan: RunPlan,
  scored: readonly (ScoredTopic & { optOutEpoch: number })[],
  work: string,
  ports: TopicUnitPorts,
  writes: PendingAccountWrites,
  fail: (topic: string, error: unknown) => void,
): Promise<FoundTopic[]> => {
  if (scored.length === 0) return [];
  const found = (topic: ScoredTopic & { optOutEpoch: number }, boards: TopicBoards): FoundTopic => ({
    topic: topic.topic,
    key: topic.key,
    head: topic.head,
    optOutEpoch: topic.optOutEpoch,
    boards,
  });
  try {
    const boards = await findChangesOfTopics(db, run, plan, scored, await mkdtemp(join(work, 'changes-')), ports.objects, writes);
    return scored.map((topic, i) => found(topic, boards[i]!));
  } catch (error) {
    // Writes it handed over are handed again by each topic alone: a batch must not name an item twice.
    for (const topic of scored) writes.discard(topic.topic);
    if (scored.length === 1) {
      fail(scored[0]!.topic, error);
      return [];
    }
    logger.warn('finding what changed in an item’s topics together failed: each topic finds its own', {
      runId: run.runId,
      error: error instanceof Error ? error.stack : String(error),
    });
    const alone: FoundTopic[] = [];
    for (const topic of scored) {
      try {
        const [boards] = await findChangesOfTopics(db, run, plan, [topic], await mkdtemp(join(work, 'changes-')), ports.objects, writes);
        alone.push(found(topic, boards!));
      } catch (topicError) {
        writes.discard(topic.topic);
        fail(topic.topic, topicError);
      }
    }
    return alone;
  }
};

/**
 * Merges the deltas into the window and scores the topic; writes the new window, scores and model
 * under the run's version. Answers the new head, and the explanations it wrote while they are at
 * hand (when their file holds no others).
 */
const updateWindowAndScore = async (
  db: DuckDBConnection,
  task: RunOfTask,
  plan: RunPlan,
  key: string,
  work: string,
  ports: TopicUnitPorts,
  { digests: optedOut, epoch: optOutEpoch }: { digests: ReadonlySet<string>; epoch: number },
  together: ReadTogether | undefined,
  /** The item's files still to write, where a topic read with the others writes its own. */
  itemFiles: PendingTopicFiles,
): Promise<{ head: UnpublishedHead; atHand: ExplanationsAtHand | undefined }> => {
  const { objects } = ports;
  const previous = plan.manifest.topics[key]?.head ?? null;
  const touchedTogether = together && 'touched' in together ? together : undefined;
  const sources = together?.sources ?? (await windowSources(objects, plan, key));
  const { deltaKeys, deltas: deltaFiles } = sources;
  const digests = hexDigestsOf(optedOut);
  const asOf = new Date(task.asOf);
  const prefix = `state/topics/${key}/`;
  // An opt-out since prepare: an incremental pass would keep the account's last scores, a full one leaves it out.
  const full = task.mode === 'full' || !previous?.model || optOutEpoch !== plan.optOutEpoch;
  // An incremental run adds its deltas to the window's rather than rewrite the window (the topic's
  // size); a full pass merges them, as does a run that would leave too many or one naming an opted-out account.
  const unmerged = [...(previous?.windowDeltas ?? []), ...deltaKeys];
  const merge = full || !previous || unmerged.length > (ports.mostUnmergedFiles ?? MOST_UNMERGED_FILES) || (await deltasNameAny(db, deltaFiles, digests));
  // Merged with the item's other topics, by a full pass, without the same opt-outs.
  const mergedTogether = full && together && 'optOutEpoch' in together ? together : undefined;
  let files: WindowFiles;
  let windowKey: string;
  if (merge) {
    const merged = join(work, 'window.parquet');
    windowKey = `${prefix}window-${plan.version}.parquet`;
    // Merged with the others: written with their files, from the item's table scoring reads it from.
    if (!mergedTogether) {
      await mergeTopicWindow(db, {
        previous: sources.window.merged,
        deltas: sources.window.deltas,
        firstDay: plan.firstDay,
        withoutDigests: digests,
        output: merged,
      });
      await objects.putFile(windowKey, merged);
    }
    files = { merged, deltas: [], firstDay: plan.firstDay };
  } else {
    files = sources.window;
    windowKey = previous.window;
  }
  // Read from the item's table, where it was merged, rather than from its file.
  let window: TopicWindow = mergedTogether?.window ?? files;
  let model: string | null = previous?.model ?? null;
  let scored: ScoredAuthors;
  let audiences: string;
  let touchedQuery: string | null = null;
  let topContent: TopContent | undefined;
  let ownPart = false;
  // The overall pseudo-topic lists every account it saw, scored or not.
  let seenUnscored: readonly string[];
  let modelWritten: Promise<void> | undefined;
  let previousScores: string | undefined;
  if (full) {
    if (mergedTogether) ({ audiences, topContent } = mergedTogether);
    else {
      // The audiences of the authors scored, before scoring takes its memory (a million accounts' sketches sort out of core).
      const file = join(work, 'audiences.parquet');
      await db.run(`COPY (${audienceSketchesQuery(window, null)}) TO ${sqlString(file)} (${PARQUET_ZSTD})`);
      audiences = `read_parquet(${sqlString(file)})`;
    }
    const aggregates = mergedTogether?.aggregates ?? (await readTopicAggregates(db, window));
    const result = scoreTopicRanking(aggregates, asOf);
    scored = rankedAuthors(result);
    model = `${prefix}model-${plan.version}.json`;
    // Written while the topic's files are built; awaited before the topic counts as scored.
    modelWritten = objects.put(model, JSON.stringify(topicModelToJSON(result.model)));
    modelWritten.catch(() => undefined);
    seenUnscored = key === '_all' ? result.unscored() : [];
  } else {
    // Authors whose engagement or posts the deltas touched; everyone else keeps the score of the last run.
    // Read with the item's other topics, unless this run merges the window (then from the merged file).
    ownPart = merge || !touchedTogether;
    const part: TouchedPart & Partial<TouchedTogether> = ownPart
      ? (await readTouchedParts(db, [{ key, window: files, deltas: deltaFiles }], plan.firstDay, 'topic')).get(key)!
      : touchedTogether!;
    const { touched } = part;
    ({ window, audiences, touchedQuery, topContent } = part);
    const aggregates = part.aggregates ?? (await readTopicAggregates(db, window));
    const frozen = topicModelFromJSON(JSON.parse(Buffer.from((await objects.get(previous!.model!))!).toString('utf8')) as TopicModelJSON);
    const rescored = rescoreAuthors(frozen, aggregates, touched, asOf);
    scored = listedAuthors(rescored.scores);
    [previousScores] = await objects.localPaths([previous!.scores]);
    const rescoredAccounts = new Set(rescored.scores.map((entry) => entry.account));
    seenUnscored = key === '_all' ? aggregates.accounts.filter((account) => !rescoredAccounts.has(account)) : [];
  }
  // An incremental run writes the explanations of the accounts it rescored beside the earlier ones
  // (rewriting them all cost the topic's size), unless that would leave too many files to read.
  const earlierExplanations = full ? [] : explanationFilesOf(previous!);
  const addsExplanations = earlierExplanations.length > 0 && earlierExplanations.length < (ports.mostUnmergedFiles ?? MOST_UNMERGED_FILES);
  const scoresKey = `${prefix}scores-${plan.version}.parquet`;
  const explanationsKey = `${prefix}explanations-${plan.version}.parquet`;
  // Read with the item's other topics: written with them, once they are all scored. Otherwise now,
  // while its own part's tables (and the other relations it names) are there.
  const writtenWithItem = full ? mergedTogether !== undefined : !ownPart;
  const topicFiles = writtenWithItem ? itemFiles : await PendingTopicFiles.open(db, work, 'topic');
  const contentOfScored = topContent ?? (await readTopContentOfScored(db, window, scored, touchedQuery));
  await topicFiles.add(
    {
      key,
      scores: { objectKey: scoresKey, previous: touchedQuery === null ? null : { file: previousScores!, rescored: touchedQuery } },
      explanations: {
        objectKey: explanationsKey,
        audiences,
        previous: touchedQuery === null ? null : { files: await objects.localPaths(earlierExplanations), rescored: touchedQuery, merge: !addsExplanations },
      },
      window: merge && mergedTogether && 'table' in mergedTogether.window ? { objectKey: windowKey, table: mergedTogether.window.table } : null,
    },
    scored,
    seenUnscored,
    contentOfScored,
  );
  if (!writtenWithItem) {
    const failures = await topicFiles.write(objects);
    if (failures.has(key)) throw failures.get(key);
  }
  if (ownPart) await dropTouchedParts(db, 'topic');
  await modelWritten;
  // Campaign search looks for topics: the overall pseudo-topic, which also lists every account seen, keeps no daily scores.
  const daily = key === '_all' ? undefined : await keepDailyScores(db, plan, prefix, previous?.daily ?? {}, scoresKey, task.asOf, work, objects);
  const head: UnpublishedHead = {
    version: plan.version,
    asOf: task.asOf,
    window: windowKey,
    ...(merge || unmerged.length === 0 ? {} : { windowDeltas: unmerged }),
    scores: scoresKey,
    ...(addsExplanations ? { explanations: [...earlierExplanations, explanationsKey] } : {}),
    model,
    ...(daily ? { daily } : {}),
  };
  // The file holds the scored authors' explanations alone unless it merged the earlier files' in.
  const onlyScored = touchedQuery === null || addsExplanations;
  return { head, atHand: onlyScored ? explanationsAtHand(explanationsKey, scored, contentOfScored) : undefined };
};

/**
 * The scores of the first run of each of the last RISING_DAYS days (this run's, if it is today's
 * first): campaign search's `rising` compares with the oldest. A run that purges opted-out accounts
 * rewrites the ones that hold them, under this run's version.
 */
const keepDailyScores = async (
  db: DuckDBConnection,
  plan: RunPlan,
  prefix: string,
  earlier: Readonly<Record<string, string>>,
  scoresKey: string,
  asOf: string,
  work: string,
  objects: ObjectStore,
): Promise<Record<string, string>> => {
  const oldest = daysBefore(asOf, RISING_DAYS);
  const today = asOf.slice(0, 10);
  const daily: Record<string, string> = {};
  for (const [day, key] of Object.entries(earlier)
    .filter(([day]) => day >= oldest && day <= today)
    .sort()) {
    daily[day] = plan.purging.length > 0 ? await withoutPurged(db, plan, key, `${prefix}daily-${day}-${plan.version}.parquet`, work, objects) : key;
  }
  daily[today] ??= scoresKey;
  return daily;
};

/** `key`, or a copy of it without the purged accounts at `copyKey` when it holds any. */
const withoutPurged = async (db: DuckDBConnection, plan: RunPlan, key: string, copyKey: string, work: string, objects: ObjectStore): Promise<string> => {
  const [file] = await objects.localPaths([key]);
  if (!file) return key;
  await db.run(`CREATE OR REPLACE TEMP TABLE purged (account VARCHAR)`);
  await appendStrings(db, 'purged', plan.purging);
  const source = `read_parquet(${sqlString(file)})`;
  const holds = Number((await db.runAndReadAll(`SELECT count(*) FROM ${source} WHERE account IN (SELECT account FROM purged)`)).getRows()[0]![0]) > 0;
  if (holds) {
    const copy = join(work, 'daily.parquet');
    await db.run(`COPY (SELECT * FROM ${source} WHERE account NOT IN (SELECT account FROM purged)) TO ${sqlString(copy)} (${PARQUET_ZSTD})`);
    await objects.putFile(copyKey, copy);
  }
  await db.run(`DROP TABLE purged`);
  return holds ? copyKey : key;
};

const rankedAuthors = (ranking: TopicRanking): ScoredAuthors => ({
  count: ranking.count,
  account: ranking.account,
  score: (position) => ranking.score[position]!,
  logScore: (position) => ranking.logScore[position]!,
  flags: (position) => ranking.flags[position]!,
  entry: ranking.entry,
  positionOf: ranking.positionOf,
  positionsByName: ranking.positionsByName,
});

const accountsOf = (scored: ScoredAuthors): string[] => Array.from({ length: scored.count }, (_, position) => scored.account(position));

/** The top content of the scored authors, read for the topic alone (an incremental run's: of the accounts it rescored). */
const readTopContentOfScored = async (db: DuckDBConnection, window: TopicWindow, scored: ScoredAuthors, rescored: string | null): Promise<TopContent> => {
  if (rescored !== null) return readTopContent(db, window, rescored, TOP_CONTENT);
  await db.run(`CREATE OR REPLACE TEMP TABLE scored_authors (account VARCHAR)`);
  await appendStrings(db, 'scored_authors', accountsOf(scored));
  const topContent = await readTopContent(db, window, 'SELECT account FROM scored_authors', TOP_CONTENT);
  await db.run(`DROP TABLE scored_authors`);
  return topContent;
};

/**
 * The boards of a map item's topics, published together (lib/app/recompute/publish-board.ts), then
 * what completes them, together. When doing it together fails, each topic's is done alone, so one
 * topic whose boards fail does not fail the others. Answers each topic's result or error.
 */
const publishTopicBoards = async (
  topics: readonly TopicBoards[],
  ports: TopicUnitPorts,
  asOf: string,
): Promise<({ result: TopicResult } | { error: unknown })[]> => {
  let outcomes: (PublishedBoard | Error)[][];
  try {
    const flat = await publishBoards(
      ports.boards,
      topics.flatMap((topic) => topic.requests),
    );
    let next = 0;
    outcomes = topics.map((topic) => {
      next += topic.requests.length;
      return flat.slice(next - topic.requests.length, next);
    });
  } catch {
    outcomes = [];
    for (const topic of topics)
      outcomes.push(
        await publishBoards(ports.boards, topic.requests).catch((error: unknown) =>
          topic.requests.map(() => (error instanceof Error ? error : new Error(String(error)))),
        ),
      );
  }
  const done = topics.map(
    (topic, i): BoardsDone | Error =>
      outcomes[i]!.find((outcome): outcome is Error => outcome instanceof Error) ?? topic.complete(outcomes[i] as PublishedBoard[]),
  );
  const completed = done.filter((item): item is BoardsDone => !(item instanceof Error));
  const completeAll = async (list: readonly BoardsDone[]) => {
    for (const board of list.flatMap((item) => item.goneBoards)) await ports.boards.deleteBoard(board);
    await ports.boards.deleteChunksOfBoards(list.flatMap((item) => item.unreferenced));
    await ports.boards.writeRankCountsOfTopics(
      list.flatMap((item) => (item.rankCounts ? [{ topic: item.result.topic, counts: item.rankCounts }] : [])),
      asOf,
    );
    for (const item of list) if (!item.rankCounts) await ports.boards.deleteRankCounts(item.result.topic);
  };
  const failures = new Map<BoardsDone, unknown>();
  try {
    await completeAll(completed);
  } catch {
    for (const item of completed) await completeAll([item]).catch((error: unknown) => failures.set(item, error));
  }
  return done.map((item) => (item instanceof Error ? { error: item } : failures.has(item) ? { error: failures.get(item) } : { result: item.result }));
};
