import { dynamoDbLocalConfig } from '../lib/adapters/dynamodb/dynamodb-client';
/**
 * `npm run bench -- --only scale.10m`: the recompute at ten million interactions in the window.
 * A seeded synthetic world (bench/data/synthetic-world.ts: 1 M accounts, 1,000 topics of Zipf
 * sizes, heavy-tailed popularity) is written straight into the log of an object store folder by
 * DuckDB; then a full run aggregates and scores it, its units in worker processes as Lambda runs
 * them in functions of their own, with the run's result writes to DynamoDB stubbed out (`scale.10m`:
 * aggregated and scored; `scale.10m_peak_rss`: the largest peak resident memory of any worker);
 * then 10,000 new interactions arrive in the log as 100 queue messages would leave them, and an
 * incremental run, writes to DynamoDB Local included, takes them in — three times: the first
 * also publishes the boards the stubbed full run did not, and `scale.10m_incremental` is the
 * slower of the other two.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTables } from '../infra/local/create-tables';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local';
import { withDuckDb } from '../lib/adapters/duckdb/duckdb';
import { logObjectKey } from '../lib/app/log/log-rows';
import { writeLogObject } from '../lib/app/log/log-writer';
import { FolderObjectStore } from '../lib/adapters/object-store/object-store';
import { readJson } from '../lib/app/recompute/run-state';
import { TOPIC_CONCURRENCY } from '../lib/app/recompute/units';
import { tables } from '../lib/adapters/dynamodb/tables';
import { freePort } from '../tests/support/free-port';
import { moreOfTheWorld, TEN_MILLION_WORLD, writeWorld, type WorldShape } from './data/synthetic-world';
import { round, type BenchmarkResult } from './result';
import { byKindText } from './support/consumed-capacity';
import { folderSize } from './support/recompute-harness';
import { runInWorkers, startUnitWorkers, stopUnitWorkers, type UnitWorkers, type WorkerRun } from './support/unit-workers';
import { z } from 'zod';

/** Topic workers at once: the local orchestrator's concurrency. */
const TOPIC_WORKERS = TOPIC_CONCURRENCY.local;
const NEW_INTERACTIONS = 10_000;
const PER_MESSAGE = 100;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

const describeRun = (run: WorkerRun): string => {
  const slowest = run.topics
    .slice(0, 3)
    .map((topic) => `${topic.topic} ${round(topic.ms / 1000, 1)} s`)
    .join(', ');
  return (
    `prepare ${round(run.prepareSeconds, 1)} s, ${run.topics.length} topic units (map items of one or more topics) ${round(run.topicsSeconds, 1)} s (${TOPIC_WORKERS} at a time; slowest ${slowest}), finish ${round(run.finishSeconds, 1)} s; ` +
    `${run.run.accounts.toLocaleString('en')} accounts, ${run.run.topics} topics scored` +
    (run.failedTopics.length > 0 ? `; topics of FAILED map items: ${run.failedTopics.join(', ')}` : '')
  );
};

const peaksOf = (workers: UnitWorkers) => {
  const all = [workers.prepare, ...workers.topics, workers.finish];
  const largest = all.reduce((top, worker) => (worker.peak.bytes > top.peak.bytes ? worker : top));
  const text = all.map((worker) => `${worker.name} ${round(worker.peak.bytes / MiB)} MiB (at ${worker.peak.unit})`).join(', ');
  return { largest, text };
};

/** Appends `count` new interactions of the world to today's log, `PER_MESSAGE` to an object as the apply step writes them. */
const addToLog = async (objects: FolderObjectStore, shape: WorldShape, batch: number): Promise<void> => {
  const at = new Date();
  const rows = await withDuckDb((db) => moreOfTheWorld(db, shape, NEW_INTERACTIONS, batch, at));
  for (let start = 0; start < rows.length; start += PER_MESSAGE) {
    const slice = rows.slice(start, start + PER_MESSAGE);
    const digest = createHash('sha256').update(JSON.stringify(slice)).digest('base64url');
    await writeLogObject(objects, logObjectKey(at.toISOString(), digest), slice);
  }
};

const describeIncremental = (run: WorkerRun): string =>
  `${round(run.seconds, 1)} s, ${Math.round(run.capacity.writeUnits).toLocaleString('en')} WCU (${byKindText(run.capacity.writeUnitsByKind)}), ${run.capacity.readUnits.toLocaleString('en')} RCU (${describeRun(run)})`;

export const benchScale = async ({ world = TEN_MILLION_WORLD }: { world?: Omit<WorldShape, 'now'> } = {}): Promise<BenchmarkResult[]> => {
  const workDir = mkdtempSync(join(tmpdir(), 'sway-scale-'));
  const root = join(workDir, 'objects');
  const objects = new FolderObjectStore(root);
  const dynamoDb = await startDynamoDbLocal({ port: await freePort(), dataDir: join(workDir, 'dynamodb'), inMemory: true });
  const tableName = `scale-${randomUUID().slice(0, 8)}`;
  const client = new DynamoDBClient(dynamoDbLocalConfig(dynamoDb.endpoint));
  await createTables(client, [{ ...tables.main, localName: tableName }]);
  client.destroy();
  const shape: WorldShape = { ...world, now: new Date() };
  const readTasks = (key: string) => readJson(objects, key, z.unknown());
  let workers: UnitWorkers | undefined;
  try {
    const generated = performance.now();
    await withDuckDb((db) => writeWorld(db, root, shape));
    const generation = { seconds: (performance.now() - generated) / 1000, ...folderSize(join(root, 'log')) };
    console.log(
      `[bench] scale: ${world.interactions.toLocaleString('en')} interactions written into the log in ${round(generation.seconds, 1)} s (${generation.files} objects, ${round(generation.bytes / MiB)} MiB)`,
    );

    const config = { endpoint: dynamoDb.endpoint, tableName, root };
    workers = await startUnitWorkers({ ...config, withoutResultWrites: true }, TOPIC_WORKERS);
    const full = await runInWorkers(workers, { runId: randomUUID(), trigger: 'api', full: true }, readTasks);
    if (full.run.status !== 'succeeded' || full.run.mode !== 'full')
      throw new Error(`scale.10m: the full run ended ${full.run.status} (${full.run.mode}): ${full.run.error ?? ''}`);
    const fullPeaks = peaksOf(workers);
    await stopUnitWorkers(workers);
    const state = folderSize(join(root, 'state'));
    console.log(`[bench] scale: full run ${round(full.seconds, 1)} s; ${describeRun(full)}; peaks ${fullPeaks.text}`);

    // Incremental runs with writes. The first publishes, besides its 10,000 interactions, the boards
    // of every topic it touches for the first time (the full run, its writes stubbed out, wrote none):
    // work no run after a real full pass does, so it is reported, not measured. The row is the
    // slower of the two after it.
    const incremental: { run: WorkerRun; peaks: ReturnType<typeof peaksOf> }[] = [];
    // A failed incremental run is its row's result; the full run's rows stand on their own.
    let incrementalFailure: string | undefined;
    for (const batch of [0, 1, 2]) {
      await addToLog(objects, shape, batch);
      workers = await startUnitWorkers({ ...config, withoutResultWrites: false }, TOPIC_WORKERS);
      const run = await runInWorkers(workers, { runId: randomUUID(), trigger: 'api' }, readTasks);
      const peaks = peaksOf(workers);
      await stopUnitWorkers(workers);
      workers = undefined;
      if (run.run.status !== 'succeeded')
        incrementalFailure = `incremental run ${batch + 1} ended ${run.run.status}: ${run.run.error ?? ''} (${describeRun(run)}; peaks ${peaks.text})`;
      else if (run.run.mode !== 'incremental') incrementalFailure = `the run after the full pass was ${run.run.mode} (a new UTC day began between them?)`;
      if (incrementalFailure) break;
      incremental.push({ run, peaks });
      console.log(
        `[bench] scale: incremental run ${batch + 1} ${round(run.seconds, 1)} s; ${describeRun(run)}; ${Math.round(run.capacity.writeUnits)} WCU (${byKindText(run.capacity.writeUnitsByKind)})`,
      );
    }
    const [publishing, ...steady] = incremental;
    const measured = steady.reduce<(typeof incremental)[number] | undefined>(
      (worst, run) => (!worst || run.run.seconds > worst.run.seconds ? run : worst),
      undefined,
    );

    const worldText =
      `a seeded synthetic world of ${world.interactions.toLocaleString('en')} interactions over the last ${world.days + 1} days by ${world.accounts.toLocaleString('en')} accounts in ${world.topics.toLocaleString('en')} topics of Zipf sizes ` +
      `(bench/data/synthetic-world.ts, seed ${world.seed}), written by DuckDB straight into the log as ${generation.files} Parquet objects (${round(generation.bytes / MiB)} MiB, ${round(generation.bytes / world.interactions, 1)} B/interaction) in ${round(generation.seconds, 1)} s`;
    const unwritten = full.unwritten
      ? `; with writes it would have written ${Object.entries(full.unwritten)
          .filter(([, items]) => items > 0)
          .map(([kind, items]) => `${items.toLocaleString('en')} ${kind}`)
          .join(', ')}`
      : '';
    return [
      {
        name: 'scale.10m',
        value: round(full.seconds, 1),
        unit: 's',
        notes:
          `a full run over ${worldText}; units in worker processes (prepare, ${TOPIC_WORKERS} topic workers, finish; DuckDB sized as in each unit's Lambda function: half its memory, a thread per vCPU), timed from prepare's start to finish's end, ` +
          `the run's result writes to DynamoDB stubbed out (aggregated and scored)${unwritten}: ${describeRun(full)}; state written ${round(state.bytes / MiB)} MiB in ${state.files} files`,
      },
      {
        name: 'scale.10m_peak_rss',
        value: round(fullPeaks.largest.peak.bytes / GiB, 2),
        unit: 'GiB',
        notes: `largest peak resident memory of any worker process in the full run of scale.10m: ${fullPeaks.text}${measured ? `; the incremental run's: ${measured.peaks.text}` : ''}`,
      },
      incrementalFailure || !measured || !publishing
        ? { name: 'scale.10m_incremental', value: 0, unit: 's', notes: `FAILED: ${incrementalFailure}`, failed: incrementalFailure ?? 'no incremental run' }
        : {
            name: 'scale.10m_incremental',
            value: round(measured.run.seconds, 1),
            unit: 's',
            notes:
              `the slower of two incremental runs, each after ${NEW_INTERACTIONS.toLocaleString('en')} new interactions of the same world appended to today's log as ${NEW_INTERACTIONS / PER_MESSAGE} objects (as ${NEW_INTERACTIONS / PER_MESSAGE} queue messages leave them), writes to DynamoDB Local included: ` +
              steady.map(({ run }, i) => `run ${i + 2} ${describeIncremental(run)}`).join('; ') +
              `; not measured, run 1 before them, which also published for the first time the boards of the topics it touched (the full run, its writes stubbed out, wrote none): ${describeIncremental(publishing.run)}`,
          },
    ];
  } finally {
    if (workers) await stopUnitWorkers(workers);
    await dynamoDb.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
};
