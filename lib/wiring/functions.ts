/**
 * THE catalogue of functions: for each file of functions/ and each webhook network's function (built
 * from its source, lib/wiring/webhook-function.ts), what it is sized to, what it loads, and
 * what it may touch — the table, the object store, the queues' depths. The stateless stack builds
 * and grants each function from it; the local runtime gives each invocation the same memory and
 * time. What triggers a function is in the other single definitions (routes.ts, workers.ts and the
 * recompute's units), and what it may send and read of secrets derives from them and from the
 * networks' registry; `functionCatalogue` puts those beside the rest.
 */
import { objectStoreLayout } from '../app/log/layout';
import { RECOMPUTE_MEMORY_MB, RECOMPUTE_NODE_FLAGS, recomputeUnits } from '../app/recompute/units';
import { deliveryRememberingFunctions, secretsOfSignedFunctions } from '../domain/networks/webhook-sources';
import { webhookFunctionNames } from '../domain/networks/webhook-networks';
import { httpFunctionNames, routes, type RouteAuth, type RouteDefinition } from './routes';
import { jetstreamSchedule, localOnlyFunctions, queues, recomputeSchedule } from './workers';

/** What a function may do in the object store, by key prefix (lib/app/log/layout.ts). */
export interface ObjectStoreAccess {
  read?: readonly string[];
  write?: readonly string[];
  delete?: readonly string[];
  /**
   * ListBucket on the bucket. Not narrowed by prefix: S3 answers a GET of a missing key with 404
   * only to a caller that may list the bucket (403 otherwise), and the recompute reads state that
   * may not exist yet. Keys name days, digests, topics and runs, never an account.
   */
  list?: boolean;
}

export interface FunctionDefinition {
  /** The file in functions/ (without .ts) whose `handler` is the entry point, or `webhook-<network>`. */
  name: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** /tmp, in GiB, when more than Lambda's 512 MB. */
  tmpGiB?: number;
  /** Loads DuckDB: its native binding is copied beside the bundle, and the function runs on the binding's architecture. */
  duckdb: boolean;
  /** Node flags beside the defaults (`NODE_OPTIONS`). */
  nodeFlags: readonly string[];
  /** The route table's access of the routes it serves, if it serves any. */
  auth?: RouteAuth;
  /** The tables: read, or read and write. */
  table: 'read' | 'write';
  /** The object store, by prefix; nothing when absent. */
  objectStore?: ObjectStoreAccess;
  /** Reads the depth of every queue and dead-letter queue (GetQueueAttributes). */
  queueStats: boolean;
  /** The secrets it reads (lib/wiring/secret-variables.ts names them): its own signing secrets. */
  secrets: readonly string[];
  /** Deployed to AWS; otherwise it runs only on one machine (lib/wiring/workers.ts). */
  deployed: boolean;
}

/** The SwayFunction defaults (infra/constructs/sway-function.ts), which most functions keep. */
const DEFAULT_MEMORY_MB = 1024;
const DEFAULT_TIMEOUT_SECONDS = 10;
/** Lambda's longest timeout, and its largest /tmp: DuckDB spills there what does not fit in memory. */
const LONGEST_TIMEOUT_SECONDS = 900;
const DUCKDB_SCRATCH_GIB = 10;

/**
 * Everything the recompute keeps between runs (lib/app/recompute/run-state.ts): the manifest, the
 * index (`state/index/`), the topics (`state/topics/`) and the other state files beside them.
 */
export const statePrefix = 'state/';
const everyArea = [objectStoreLayout.log.prefix, statePrefix, objectStoreLayout.runs.prefix];

/** The admin stats, which count what the log received since the last run. */
const statsFunction = 'get-stats';
/** The function behind `POST /v1/admin/redrive`: it moves dead letters with SQS, never touching the table. */
const deadLetterRedriver = 'redrive-dead-letters';

/** What differs from the defaults, by function; a queue consumer's timeout comes with its queue, a schedule's with its schedule. */
const special: Record<string, Partial<Omit<FunctionDefinition, 'name' | 'auth' | 'table' | 'secrets' | 'deployed'>>> = {
  // DuckDB writes each applied message's Parquet file in memory: 1,024 MB, stated here on purpose.
  // Appends one Parquet object per applied message to the log; never reads it back.
  [queues.interactions.consumer]: {
    memoryMb: 1024,
    timeoutSeconds: queues.interactions.consumerTimeoutSeconds,
    duckdb: true,
    objectStore: { write: [objectStoreLayout.log.prefix] },
  },
  // Reads the state and the run's hand-overs; writes its topic's state and its results.
  [recomputeUnits.topic]: {
    memoryMb: RECOMPUTE_MEMORY_MB.topic,
    tmpGiB: DUCKDB_SCRATCH_GIB,
    timeoutSeconds: LONGEST_TIMEOUT_SECONDS,
    duckdb: true,
    nodeFlags: RECOMPUTE_NODE_FLAGS,
    objectStore: { read: [statePrefix, objectStoreLayout.runs.prefix], write: [objectStoreLayout.topics.prefix, objectStoreLayout.runs.prefix], list: true },
  },
  // Prepare reads the log, writes the run's plan and new state, and purges opt-outs from the log
  // (rewriting log objects); finish commits, purges and deletes what is no longer used, earlier
  // runs' hand-overs included: both everywhere in the layout.
  [recomputeUnits.prepare]: {
    memoryMb: RECOMPUTE_MEMORY_MB.prepare,
    tmpGiB: DUCKDB_SCRATCH_GIB,
    timeoutSeconds: LONGEST_TIMEOUT_SECONDS,
    duckdb: true,
    nodeFlags: RECOMPUTE_NODE_FLAGS,
    objectStore: { read: everyArea, write: everyArea, delete: everyArea, list: true },
  },
  [recomputeUnits.finish]: {
    memoryMb: RECOMPUTE_MEMORY_MB.finish,
    tmpGiB: DUCKDB_SCRATCH_GIB,
    timeoutSeconds: LONGEST_TIMEOUT_SECONDS,
    duckdb: true,
    nodeFlags: RECOMPUTE_NODE_FLAGS,
    objectStore: { read: everyArea, write: everyArea, delete: everyArea, list: true },
  },
  // Marks the run failed, then lists the state and deletes what the run wrote but never committed.
  [recomputeUnits.failed]: { timeoutSeconds: 60, objectStore: { read: [objectStoreLayout.runs.prefix], delete: [statePrefix], list: true } },
  [jetstreamSchedule.target]: { timeoutSeconds: jetstreamSchedule.timeoutSeconds },
  // The local recompute (never deployed): the whole run in one process, the units in-process.
  [recomputeSchedule.target]: { timeoutSeconds: recomputeSchedule.timeoutSeconds, duckdb: true },
  // Resolves the log received since the last run against the index (lib/app/recompute/interactions-now.ts):
  // DuckDB's memory and a warm /tmp of state files; API Gateway waits at most 29 s. Counts the
  // interactions the log received since the last run: reads the log and the state.
  [statsFunction]: {
    memoryMb: 2048,
    tmpGiB: DUCKDB_SCRATCH_GIB,
    timeoutSeconds: 28,
    duckdb: true,
    objectStore: { read: [objectStoreLayout.log.prefix, statePrefix], list: true },
    queueStats: true,
  },
};

/**
 * Handlers of non-GET routes that still only read the tables: ingestion only looks up which
 * interactions were applied before (the queue consumer does the writing), and the redriver moves
 * messages with SQS; a webhook whose network names its deliveries remembers their ids, against replays.
 */
const readOnlyWriteRouteFunctions = (): ReadonlySet<string> =>
  new Set(['ingest-interactions', ...webhookFunctionNames(), deadLetterRedriver].filter((name) => !deliveryRememberingFunctions().includes(name)));

/** Every function of functions/ that something triggers: routes, queues, schedules, the recompute's units. */
const triggeredFunctionNames = (): string[] => [
  ...new Set([
    ...httpFunctionNames(),
    ...Object.values(queues).map((queue) => queue.consumer),
    jetstreamSchedule.target,
    recomputeSchedule.target,
    ...Object.values(recomputeUnits),
  ]),
];

let catalogue: ReadonlyMap<string, FunctionDefinition> | undefined;

/** The catalogue, by function name: built once (the local runtime reads it on every invocation). */
export const functionCatalogue = (): ReadonlyMap<string, FunctionDefinition> => {
  catalogue ??= buildCatalogue();
  return catalogue;
};

const buildCatalogue = (): ReadonlyMap<string, FunctionDefinition> => {
  const routeTable = routes as readonly RouteDefinition[];
  // Queue consumers, scheduled functions, the recompute's units and handlers of non-GET routes read and write; every other function only reads.
  const background = new Set([
    ...Object.values(queues).map((queue) => queue.consumer),
    jetstreamSchedule.target,
    recomputeSchedule.target,
    ...Object.values(recomputeUnits),
  ]);
  const readOnly = readOnlyWriteRouteFunctions();
  const writers = new Set([
    ...background,
    ...routeTable.filter((route) => route.method !== 'GET' && !readOnly.has(route.functionName)).map((route) => route.functionName),
  ]);
  const secrets = secretsOfSignedFunctions();
  return new Map(
    triggeredFunctionNames().map((name): [string, FunctionDefinition] => {
      const own = special[name] ?? {};
      const auth = routeTable.find((route) => route.functionName === name)?.auth;
      return [
        name,
        {
          name,
          memoryMb: own.memoryMb ?? DEFAULT_MEMORY_MB,
          timeoutSeconds: own.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
          ...(own.tmpGiB ? { tmpGiB: own.tmpGiB } : {}),
          duckdb: own.duckdb ?? false,
          nodeFlags: own.nodeFlags ?? [],
          ...(auth ? { auth } : {}),
          table: writers.has(name) ? 'write' : 'read',
          ...(own.objectStore ? { objectStore: own.objectStore } : {}),
          queueStats: own.queueStats ?? false,
          secrets: secrets[name] ?? [],
          deployed: !localOnlyFunctions.has(name),
        },
      ];
    }),
  );
};

/** A function's definition; throws for a name the catalogue does not hold. */
export const functionDefinition = (name: string): FunctionDefinition => {
  const definition = functionCatalogue().get(name);
  if (!definition) throw new Error(`no function named ${name} in the catalogue (lib/wiring/functions.ts)`);
  return definition;
};
