/**
 * Recompute units in worker processes of their own, as Lambda runs them each in a function of its
 * own: prepare in one, the topics in as many as the local orchestrator runs at once (each worker
 * takes topic after topic, as a warm Lambda instance does), finish in one. Each worker reports,
 * after every unit, its process's peak resident memory so far (what Lambda's memory limit applies
 * to: JavaScript heap, DuckDB and everything native), the unit's duration and the DynamoDB capacity
 * the unit consumed. The orchestration is the local orchestrator's (lib/app/recompute/local-orchestrator.ts):
 * prepare, topics with bounded concurrency and two retries each, finish; a failure marks the run failed.
 *
 * The worker side runs when this module is forked with SWAY_BENCH_UNIT_WORKER set.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Run } from '../../lib/app/api/schemas';
import { RECOMPUTE_MEMORY_MB, RECOMPUTE_NODE_FLAGS } from '../../lib/app/recompute/units';
import type { CapacityTotals } from './consumed-capacity';
import { round } from '../result';
import { benchLambdaEnv } from './local-dynamodb';
import { noUnwrittenItems, type UnwrittenItems } from './recompute-harness';

const WORKER_ENV = 'SWAY_BENCH_UNIT_WORKER';

export interface WorkerConfig {
  endpoint: string;
  tableName: string;
  /** The object store folder (SWAY_LOG_DIR). */
  root: string;
  /** Stub out the run's result writes to DynamoDB (the aggregation + scoring ceiling). */
  withoutResultWrites: boolean;
  /** The memory of the unit's Lambda function (AWS_LAMBDA_FUNCTION_MEMORY_SIZE in the worker): lib/adapters/duckdb/duckdb.ts sizes DuckDB's memory and threads from it. */
  lambdaMemoryMb: number;
}

type UnitName = 'prepare' | 'topic' | 'finish' | 'failed';

interface Reply {
  id: string;
  ok: boolean;
  result?: unknown;
  error?: string;
  ms: number;
  /** Peak resident set size of the worker process so far, in bytes. */
  peakRss: number;
  capacity: CapacityTotals;
  unwritten: UnwrittenItems | null;
  /** With SWAY_BENCH_PROFILE set: milliseconds spent in DuckDB statements and in calls of the unit's ports during the unit, by statement or `port: store.method`. */
  statements?: Record<string, { ms: number; count: number }>;
}

/** Set to have workers time every DuckDB statement (printed per unit kind at the end of a run). */
const PROFILE_ENV = 'SWAY_BENCH_PROFILE';
/** Statements and port calls shown per unit kind: SWAY_BENCH_PROFILE's number when it is one above 1, else 12. */
const PROFILE_LINES = Number(process.env[PROFILE_ENV]) > 1 ? Number(process.env[PROFILE_ENV]) : 12;

/** Times each DuckDB statement, keyed by its first words with literals elided. */
const profileStatements = async (statements: Map<string, { ms: number; count: number }>) => {
  const { DuckDBConnection } = await import('@duckdb/node-api');
  const prototype = DuckDBConnection.prototype as unknown as Record<string, (sql: string, ...rest: unknown[]) => Promise<unknown>>;
  // Shared by the three methods: runAndReadAll calls run, and only the outer call counts.
  let depth = 0;
  for (const method of ['run', 'runAndReadAll', 'stream']) {
    const original = prototype[method]!;
    prototype[method] = async function (this: unknown, sql: string, ...rest: unknown[]) {
      const started = performance.now();
      depth++;
      try {
        return await original.call(this, sql, ...rest);
      } finally {
        depth--;
        if (depth === 0) {
          const key = sql
            .replace(/\s+/g, ' ')
            .replace(/'[^']*'/g, "'…'")
            .trim()
            .slice(0, 110);
          const entry = statements.get(key) ?? { ms: 0, count: 0 };
          entry.ms += performance.now() - started;
          entry.count++;
          statements.set(key, entry);
        }
      }
    };
  }
};

/** The stores' and object store's methods, each call timed into `calls` as `port: name.method` (calls a method makes on its own object are not counted again). */
const timedPorts = <T extends object>(ports: T, calls: Map<string, { ms: number; count: number }>): T =>
  Object.fromEntries(
    Object.entries(ports).map(([name, port]) => [
      name,
      new Proxy(port as object, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver) as unknown;
          if (typeof value !== 'function' || typeof property !== 'string') return value;
          return async (...args: unknown[]) => {
            const started = performance.now();
            try {
              return await (value as (...rest: unknown[]) => Promise<unknown>).apply(target, args);
            } finally {
              const key = `port: ${name}.${property}`;
              const entry = calls.get(key) ?? { ms: 0, count: 0 };
              entry.ms += performance.now() - started;
              entry.count++;
              calls.set(key, entry);
            }
          };
        },
      }),
    ]),
  ) as T;

/** The worker: loads the units once, then runs what it is sent. */
const serve = async () => {
  const config = JSON.parse(process.env[WORKER_ENV]!) as WorkerConfig;
  process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE = String(config.lambdaMemoryMb);
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
  const { FolderObjectStore } = await import('../../lib/adapters/object-store/object-store');
  const { unitsOver } = await import('../../lib/app/recompute/local-orchestrator');
  const { Table } = await import('../../lib/adapters/dynamodb/table');
  const { CapacityMeter } = await import('./consumed-capacity');
  const { localDocumentClient } = await import('./local-dynamodb');
  const { storesOver } = await import('../../lib/wiring/dependencies');
  const { storesWithoutResultWrites } = await import('./recompute-harness');
  const { duckDb } = await import('../../lib/adapters/duckdb/duckdb');

  const db = localDocumentClient(config.endpoint);
  const uncounted = localDocumentClient(config.endpoint);
  const meter = new CapacityMeter(async (table, key) => (await uncounted.send(new GetCommand({ TableName: table, Key: key }))).Item);
  meter.attachTo(db);
  const table = new Table(db, config.tableName);
  const stubbed = config.withoutResultWrites ? storesWithoutResultWrites(table) : null;
  const stores = stubbed?.stores ?? storesOver(table);
  const statements = new Map<string, { ms: number; count: number }>();
  const ports = { objects: new FolderObjectStore(config.root), ...stores };
  const units = unitsOver(process.env[PROFILE_ENV] ? timedPorts(ports, statements) : ports);
  (await duckDb()).closeSync(); // opens the engine now, not in the first unit measured
  if (process.env[PROFILE_ENV]) await profileStatements(statements);

  process.on('message', (message: { id: string; unit: UnitName; input: never }) => {
    void (async () => {
      const started = performance.now();
      let reply: Omit<Reply, 'ms' | 'peakRss' | 'capacity' | 'unwritten'>;
      try {
        reply = { id: message.id, ok: true, result: await units[message.unit](message.input) };
      } catch (error) {
        reply = { id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
      }
      const ms = performance.now() - started;
      const profile = statements.size > 0 ? Object.fromEntries(statements) : undefined;
      statements.clear();
      process.send!({
        ...reply,
        ms,
        peakRss: process.resourceUsage().maxRSS * 1024,
        capacity: await meter.reset(),
        unwritten: stubbed ? { ...stubbed.unwritten } : null,
        ...(profile ? { statements: profile } : {}),
      } satisfies Reply);
    })();
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready: true });
};

if (process.env[WORKER_ENV] && process.send) {
  serve().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

export class UnitWorker {
  private readonly pending = new Map<string, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  private exited: Error | null = null;
  /** The largest peak RSS the worker reported, and the unit that reached it. */
  peak = { bytes: 0, unit: '' };
  /** What its stubbed-out stores did not write, so far. */
  unwritten: UnwrittenItems | null = null;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (message: Reply) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      waiting.resolve(message);
    });
    child.once('exit', (code, signal) => {
      this.exited = new Error(`unit worker ${name} exited (${code ?? signal})`);
      for (const waiting of this.pending.values()) waiting.reject(this.exited);
      this.pending.clear();
    });
  }

  /** Forks a worker and waits until it has loaded the units. */
  static async start(name: string, config: WorkerConfig): Promise<UnitWorker> {
    const child = fork(__filename, [], {
      env: {
        ...process.env,
        [WORKER_ENV]: JSON.stringify(config),
        ...benchLambdaEnv,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      // The units' Node flags, as their functions have them in AWS.
      execArgv: [...process.execArgv, ...RECOMPUTE_NODE_FLAGS],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`unit worker ${name} exited while starting (${code})`)));
    });
    return new UnitWorker(name, child);
  }

  async call(unit: UnitName, input: unknown, label: string = unit): Promise<Reply> {
    if (this.exited) throw this.exited;
    const id = randomUUID();
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, unit, input });
    });
    if (reply.peakRss > this.peak.bytes) this.peak = { bytes: reply.peakRss, unit: label };
    this.unwritten = reply.unwritten;
    return reply;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    await exited;
  }
}

export interface UnitWorkers {
  prepare: UnitWorker;
  topics: UnitWorker[];
  finish: UnitWorker;
}

/** Workers for a run, each sized as its unit's Lambda function (RECOMPUTE_MEMORY_MB). */
export const startUnitWorkers = async (config: Omit<WorkerConfig, 'lambdaMemoryMb'>, topicWorkers: number): Promise<UnitWorkers> => {
  const [prepare, finish, ...topics] = await Promise.all([
    UnitWorker.start('prepare', { ...config, lambdaMemoryMb: RECOMPUTE_MEMORY_MB.prepare }),
    UnitWorker.start('finish', { ...config, lambdaMemoryMb: RECOMPUTE_MEMORY_MB.finish }),
    ...Array.from({ length: topicWorkers }, (_, i) => UnitWorker.start(`topic-${i + 1}`, { ...config, lambdaMemoryMb: RECOMPUTE_MEMORY_MB.topic })),
  ]);
  return { prepare: prepare!, finish: finish!, topics };
};

export const stopUnitWorkers = async (workers: UnitWorkers): Promise<void> => {
  await Promise.all([workers.prepare, workers.finish, ...workers.topics].map((worker) => worker.stop()));
};

export interface TopicTiming {
  topic: string;
  ms: number;
  worker: string;
}

export interface WorkerRun {
  run: Run;
  seconds: number;
  prepareSeconds: number;
  topicsSeconds: number;
  finishSeconds: number;
  topics: TopicTiming[];
  failedTopics: string[];
  capacity: { readUnits: number; writeUnits: number; writeUnitsByKind: Record<string, number> };
  unwritten: UnwrittenItems | null;
}

const TOPIC_RETRIES = 2;
const TaskListSchema = z.array(z.object({ runId: z.string(), asOf: z.string(), mode: z.enum(['full', 'incremental']), topics: z.array(z.string()) }));

/** A map item's topics in a line: the first, and how many more. */
const itemName = (topics: readonly string[]): string => (topics.length === 1 ? topics[0]! : `${topics[0]} +${topics.length - 1}`);
const PrepareSchema = z.object({
  runId: z.string(),
  asOf: z.string(),
  mode: z.enum(['full', 'incremental']),
  topicsKey: z.string(),
  topicCount: z.number(),
  skipped: z.boolean(),
});

/** One run across the workers, timed from prepare's start to finish's end. */
export const runInWorkers = async (
  workers: UnitWorkers,
  input: { runId: string; trigger: 'api' | 'schedule'; full?: boolean },
  readTasks: (key: string) => Promise<unknown>,
): Promise<WorkerRun> => {
  const capacity = { readUnits: 0, writeUnits: 0, writeUnitsByKind: {} as Record<string, number> };
  const profile = new Map<string, Map<string, { ms: number; count: number }>>();
  const counted = (reply: Reply, unit: string) => {
    capacity.readUnits += reply.capacity.readUnits;
    capacity.writeUnits += reply.capacity.writeUnits;
    for (const [kind, units] of Object.entries(reply.capacity.writeUnitsByKind))
      capacity.writeUnitsByKind[kind] = (capacity.writeUnitsByKind[kind] ?? 0) + units;
    const byStatement = profile.get(unit) ?? new Map<string, { ms: number; count: number }>();
    for (const [statement, { ms, count }] of Object.entries(reply.statements ?? {})) {
      const entry = byStatement.get(statement) ?? { ms: 0, count: 0 };
      byStatement.set(statement, { ms: entry.ms + ms, count: entry.count + count });
    }
    profile.set(unit, byStatement);
    return reply;
  };
  const fail = async (error: string) => {
    await workers.finish.call('failed', { runId: input.runId, error: 'Error' });
    throw new Error(error);
  };
  const started = performance.now();
  const prepared = counted(await workers.prepare.call('prepare', input), 'prepare');
  if (!prepared.ok) return fail(`prepare failed: ${prepared.error}`);
  const plan = PrepareSchema.parse(prepared.result);
  if (plan.skipped) throw new Error('the run was skipped: another run holds the lock');
  const afterPrepare = performance.now();
  const tasks = TaskListSchema.parse(await readTasks(plan.topicsKey));
  const topics: TopicTiming[] = [];
  const failedTopics: string[] = [];
  let next = 0;
  await Promise.all(
    workers.topics.map(async (worker) => {
      for (let task = tasks[next++]; task !== undefined; task = tasks[next++]) {
        for (let attempt = 0; ; attempt++) {
          const reply = counted(await worker.call('topic', task, `topic ${itemName(task.topics)}`), task.topics.includes('*') ? 'topic *' : 'other topics');
          if (reply.ok) {
            topics.push({ topic: itemName(task.topics), ms: reply.ms, worker: worker.name });
            break;
          }
          console.warn(`[bench] topics ${itemName(task.topics)} failed (attempt ${attempt}): ${reply.error}`);
          if (attempt >= TOPIC_RETRIES) {
            failedTopics.push(...task.topics);
            break;
          }
        }
      }
    }),
  );
  const afterTopics = performance.now();
  const finished = counted(await workers.finish.call('finish', { runId: plan.runId, asOf: plan.asOf, mode: plan.mode }), 'finish');
  if (!finished.ok) return fail(`finish failed: ${finished.error}`);
  const ended = performance.now();
  for (const [unit, byStatement] of profile) {
    if (byStatement.size === 0) continue;
    for (const [kind, isKind] of [
      ['DuckDB statements', (key: string) => !key.startsWith('port: ')],
      ['port calls', (key: string) => key.startsWith('port: ')],
    ] as const) {
      const entries = [...byStatement].filter(([key]) => isKind(key));
      const top = entries.sort((a, b) => b[1].ms - a[1].ms).slice(0, PROFILE_LINES);
      const total = entries.reduce((sum, [, entry]) => sum + entry.ms, 0);
      console.log(
        `[bench] ${kind} in ${unit}: ${round(total / 1000, 1)} s in all; the longest:\n${top.map(([statement, { ms, count }]) => `  ${round(ms / 1000, 2)} s ×${count}  ${statement}`).join('\n')}`,
      );
    }
  }
  // Each worker's stubbed stores count from its start: workers serve one run.
  const all = [workers.prepare, ...workers.topics, workers.finish];
  const unwritten = all.some((worker) => worker.unwritten)
    ? all.reduce((sum, worker) => {
        for (const [kind, items] of Object.entries(worker.unwritten ?? {})) sum[kind as keyof UnwrittenItems] += items;
        return sum;
      }, noUnwrittenItems())
    : null;
  return {
    run: finished.result as Run,
    seconds: (ended - started) / 1000,
    prepareSeconds: (afterPrepare - started) / 1000,
    topicsSeconds: (afterTopics - afterPrepare) / 1000,
    finishSeconds: (ended - afterTopics) / 1000,
    topics: topics.sort((a, b) => b.ms - a.ms),
    failedTopics,
    capacity,
    unwritten,
  };
};
