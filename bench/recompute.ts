/**
 * The recompute on the Higgs replay, in this process, with the units the local orchestrator runs
 * (lib/app/recompute/local-orchestrator.ts), each in a fresh object store folder holding a copy of the
 * service's log and in a DynamoDB Local table of its own, so each run starts from nothing:
 *
 * - a warm-up run (not measured: loads the code and DuckDB's extensions);
 * - the ceiling: a full run with the run's result writes to DynamoDB stubbed out (aggregation and
 *   scoring, nothing written);
 * - `recompute.higgs`: the same full run with its writes, capacity counted on the runtime's client;
 * - `recompute.incremental` and `recompute.incremental_writes`: 1,000 new Higgs interactions
 *   appended to that log by the apply step's own code, then the incremental run that takes them in.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Run } from '../lib/app/api/schemas';
import type { Interaction } from '../lib/domain/interactions/schema';
import { applyToLog } from '../lib/app/log/apply-to-log';
import { writeLogObject } from '../lib/app/log/log-writer';
import { FolderObjectStore, type ObjectStore } from '../lib/adapters/object-store/object-store';
import { runRecomputeLocally, unitsOver, type RecomputeUnits } from '../lib/app/recompute/local-orchestrator';
import { RECOMPUTE_MEMORY_MB } from '../lib/app/recompute/units';
import { storesOver, type Stores } from '../lib/wiring/dependencies';
import { round, type BenchmarkResult } from './result';
import { awsPrices } from './support/aws-prices';
import { byKindText } from './support/consumed-capacity';
import { costOf } from './support/cost-model';
import type { InProcessFunctions } from './support/in-process';
import { folderSize, folderWithLogOf, freshTable, storesWithoutResultWrites, type UnwrittenItems } from './support/recompute-harness';

/** The units' memory in AWS (the catalogue, lib/wiring/functions.ts, takes it from here). */
const MEMORY_MB = RECOMPUTE_MEMORY_MB;
const NEW_PER_MESSAGE = 100;

interface UnitTimes {
  prepare: number;
  topic: number[];
  finish: number;
}

/** The units, each call timed (milliseconds, rounded up as Lambda bills). */
const timedUnits = (units: RecomputeUnits, times: UnitTimes): RecomputeUnits => {
  const timed =
    <A, R>(call: (input: A) => Promise<R>, record: (ms: number) => void) =>
    async (input: A): Promise<R> => {
      const started = performance.now();
      try {
        return await call(input);
      } finally {
        record(Math.ceil(performance.now() - started));
      }
    };
  return {
    prepare: timed(units.prepare, (ms) => (times.prepare += ms)),
    topic: timed(units.topic, (ms) => times.topic.push(ms)),
    finish: timed(units.finish, (ms) => (times.finish += ms)),
    failed: units.failed,
  };
};

interface MeasuredRun {
  run: Run;
  seconds: number;
  times: UnitTimes;
}

const recompute = async (stores: Stores, objects: ObjectStore, full?: boolean): Promise<MeasuredRun> => {
  const times: UnitTimes = { prepare: 0, topic: [], finish: 0 };
  const started = performance.now();
  const run = await runRecomputeLocally(
    { runId: randomUUID(), trigger: 'api', ...(full ? { full } : {}) },
    timedUnits(unitsOver({ objects, ...stores }), times),
    objects,
  );
  const seconds = (performance.now() - started) / 1000;
  if (run?.status !== 'succeeded') throw new Error(`recompute: the run did not succeed (${JSON.stringify(run)})`);
  return { run, seconds, times };
};

/** What a run costs in AWS: Lambda for each unit at its memory, Step Functions transitions, DynamoDB capacity. */
const dollarsOf = (measured: MeasuredRun, capacity: { readUnits: number; writeUnits: number }) => {
  const topics = measured.times.topic;
  return costOf(
    {
      apiRequests: 0,
      functions: [
        { invocations: 1, billedMs: measured.times.prepare, memoryMb: MEMORY_MB.prepare },
        { invocations: topics.length, billedMs: topics.reduce((sum, ms) => sum + ms, 0), memoryMb: MEMORY_MB.topic },
        { invocations: 1, billedMs: measured.times.finish, memoryMb: MEMORY_MB.finish },
      ],
      readUnits: capacity.readUnits,
      writeUnits: capacity.writeUnits,
      sqsRequests: 0,
    },
    awsPrices,
  ).total;
};

const unitsText = (measured: MeasuredRun) =>
  `prepare ${round(measured.times.prepare / 1000)} s, ${measured.times.topic.length} topic units ${round(measured.times.topic.reduce((sum, ms) => sum + ms, 0) / 1000)} s (2 at a time; largest ${round(Math.max(0, ...measured.times.topic) / 1000)} s), finish ${round(measured.times.finish / 1000)} s`;

const unwrittenText = (unwritten: UnwrittenItems) =>
  Object.entries(unwritten)
    .filter(([, items]) => items > 0)
    .map(([kind, items]) => `${items.toLocaleString('en')} ${kind}`)
    .join(', ');

/** Appends interactions to a log as the apply step does: one object per queue message of 100. */
const appendToLog = async (stores: Stores, objects: ObjectStore, interactions: Interaction[]): Promise<void> => {
  const receivedAt = new Date();
  for (let start = 0; start < interactions.length; start += NEW_PER_MESSAGE) {
    const message = { receivedAt: receivedAt.toISOString(), interactions: interactions.slice(start, start + NEW_PER_MESSAGE) };
    await applyToLog(
      message,
      {
        optedOutAmong: (accounts) => stores.consent.optedOutAmong(accounts),
        writeLogObject: (key, rows) => writeLogObject(objects, key, rows),
        rememberApplied: (refs, at) => stores.ingest.rememberApplied(refs, at),
        forgetApplied: (refs) => stores.ingest.forgetApplied(refs),
      },
      receivedAt,
    );
  }
};

export interface RecomputeBenchResult {
  results: BenchmarkResult[];
  /** Bytes of the recompute's state per interaction counted in the window (for the storage cost of ingesting). */
  stateBytesPerInteraction: number;
}

/**
 * `serviceRoot` is the service's object store folder (its log has the replay); `serviceRun` the
 * service's own run over it, through `POST /v1/admin/recompute`; `more` 1,000 interactions not in it.
 */
export const benchRecompute = async ({
  functions,
  endpoint,
  serviceRoot,
  workDir,
  replay,
  more,
  serviceRun,
}: {
  functions: InProcessFunctions;
  endpoint: string;
  serviceRoot: string;
  workDir: string;
  replay: string;
  more: Interaction[];
  serviceRun: { seconds: number };
}): Promise<RecomputeBenchResult> => {
  // The handlers' client: the capacity meter counts what goes through it.
  const { db } = functions;
  const folder = (name: string) => new FolderObjectStore(folderWithLogOf(serviceRoot, join(workDir, `recompute-${name}`)));

  // Warm-up, then the ceiling: nothing written.
  await recompute(storesWithoutResultWrites(await freshTable(endpoint, db, 'warm-up')).stores, folder('warm-up'));
  const stubbed = storesWithoutResultWrites(await freshTable(endpoint, db, 'ceiling'));
  const ceiling = await recompute(stubbed.stores, folder('ceiling'));

  // The full run with its writes, then 1,000 more interactions and the incremental run.
  const stores = storesOver(await freshTable(endpoint, db, 'recompute'));
  const objects = folder('full');
  await functions.takeUsage();
  const full = await recompute(stores, objects);
  const fullCapacity = (await functions.takeUsage()).capacity;
  await appendToLog(stores, objects, more);
  await functions.takeUsage();
  const incremental = await recompute(stores, objects);
  const incrementalCapacity = (await functions.takeUsage()).capacity;
  if (incremental.run.mode !== 'incremental')
    throw new Error(`recompute.incremental: the run after the full one was ${incremental.run.mode} (a new UTC day began between them?)`);

  const state = folderSize(join(workDir, 'recompute-full', 'state'));
  const stateBytesPerInteraction = state.bytes / Math.max(1, incremental.run.interactions ?? 0);
  const fullDollars = dollarsOf(full, fullCapacity);
  const incrementalDollars = dollarsOf(incremental, incrementalCapacity);
  const capacityText = (capacity: { readUnits: number; writeUnits: number }) =>
    `${capacity.writeUnits.toLocaleString('en')} WCU, ${capacity.readUnits.toLocaleString('en')} RCU (ReturnConsumedCapacity)`;
  const lambdaText = `Lambda at ${MEMORY_MB.prepare} MB (prepare, finish) and ${MEMORY_MB.topic} MB (topics), Step Functions transitions not included`;
  return {
    stateBytesPerInteraction,
    results: [
      {
        name: 'recompute.higgs',
        value: round(full.seconds),
        unit: 's',
        ceiling: round(ceiling.seconds, 3),
        ratio: round(ceiling.seconds / full.seconds, 3),
        notes:
          `a full run, from nothing, of the units the local orchestrator runs (in the bench process) over the log of ${replay}: ${full.run.accounts.toLocaleString('en')} accounts, ${full.run.topics} topics, ${(full.run.interactions ?? 0).toLocaleString('en')} interactions in the window; ` +
          `${unitsText(full)}; ${capacityText(fullCapacity)} ≈ $${fullDollars.toFixed(4)} a run with ${lambdaText}; ` +
          `ceiling: the same run with the run's result writes stubbed out (${unitsText(ceiling)}; it would have written ${unwrittenText(stubbed.unwritten)}); ` +
          `the service's own run over the same log, through POST /v1/admin/recompute: ${round(serviceRun.seconds)} s`,
      },
      {
        name: 'recompute.incremental',
        value: round(incremental.seconds, 3),
        unit: 's',
        ceiling: round(full.seconds),
        ratio: round(full.seconds / incremental.seconds, 2),
        notes:
          `the run after ${more.length.toLocaleString('en')} new Higgs interactions (the ones after the replay) were appended to the log of recompute.higgs's full run, as ${Math.ceil(more.length / NEW_PER_MESSAGE)} queue messages of ${NEW_PER_MESSAGE} through lib/app/log/apply-to-log.ts: ` +
          `${unitsText(incremental)}; ${capacityText(incrementalCapacity)} ≈ $${incrementalDollars.toFixed(4)} a run; ratio = the full run's ${round(full.seconds)} s ÷ this run's`,
      },
      {
        name: 'recompute.incremental_writes',
        value: round(incrementalCapacity.writeUnits / fullCapacity.writeUnits, 4),
        unit: "of a full run's WCU",
        notes: `${incrementalCapacity.writeUnits.toLocaleString('en')} WCU in the incremental run of recompute.incremental (${byKindText(incrementalCapacity.writeUnitsByKind)}) against ${fullCapacity.writeUnits.toLocaleString('en')} WCU in the full run of recompute.higgs (${byKindText(fullCapacity.writeUnitsByKind)})`,
      },
    ],
  };
};
