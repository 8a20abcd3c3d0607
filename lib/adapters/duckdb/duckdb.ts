/**
 * One embedded DuckDB per process, in memory, spilling to a scratch folder past its memory limit:
 * the engine that writes the log's Parquet files and aggregates them out of core.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { namedScratchDirectory } from '../scratch-folder';

/** SWAY_DUCKDB_MEMORY (`1GB`, `512MB`, …) overrides the share of the function's memory DuckDB may hold. */
const MEMORY_ENV = 'SWAY_DUCKDB_MEMORY';
/** In Lambda, DuckDB holds at most this share of the function's memory; the rest is Node's. */
const LAMBDA_MEMORY_SHARE = 0.5;

/** Lambda gives a function one vCPU per 1,769 MB of memory. */
const LAMBDA_MB_PER_VCPU = 1769;

const lambdaMemoryMb = (): number | null => {
  const mb = Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  return Number.isFinite(mb) && mb > 0 ? mb : null;
};

const memoryLimit = (): string => {
  const configured = process.env[MEMORY_ENV];
  if (configured) return configured;
  const lambdaMb = lambdaMemoryMb();
  return lambdaMb ? `${Math.floor(lambdaMb * LAMBDA_MEMORY_SHARE)}MB` : '1GB';
};

/**
 * In Lambda, a thread per vCPU the function's memory buys: DuckDB counts the host's cores, and
 * more threads than vCPUs only add scheduling to every statement. Elsewhere DuckDB's own default.
 */
const threads = (): Record<string, string> => {
  const lambdaMb = lambdaMemoryMb();
  return lambdaMb ? { threads: String(Math.max(1, Math.round(lambdaMb / LAMBDA_MB_PER_VCPU))) } : {};
};

let instance: Promise<DuckDBInstance> | undefined;

const open = async (): Promise<DuckDBInstance> => {
  // A folder of the process's own: DuckDB's spill files of two processes (npm start and a bench's
  // workers, parallel test files) in one folder overwrite each other's.
  const spill = namedScratchDirectory('duckdb');
  return DuckDBInstance.create(':memory:', { memory_limit: memoryLimit(), ...threads(), temp_directory: spill, preserve_insertion_order: 'false' });
};

/** A new connection to the process's DuckDB; close it with `closeSync` when done. */
export const duckDb = async (): Promise<DuckDBConnection> => {
  instance ??= open();
  return (await instance).connect();
};

/**
 * COPY options of the Parquet files Sway writes: zstd at its fastest level, which writes them
 * faster than its default level for files a few per cent larger.
 */
export const PARQUET_ZSTD = 'FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1';

/** A string as a SQL literal. */
export const sqlString = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** A list of files as a SQL list literal for read_parquet. */
export const sqlFiles = (files: readonly string[]): string => `[${files.map(sqlString).join(', ')}]`;

/** A query's result, streamed: its rows a chunk (about 2,048 rows) at a time. */
export async function* streamedRows(db: DuckDBConnection, sql: string): AsyncGenerator<unknown[][]> {
  const result = await db.stream(sql);
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) yield chunk.getRows();
}

/** Runs `work` with a connection, closing it after. */
export const withDuckDb = async <T>(work: (db: DuckDBConnection) => Promise<T>): Promise<T> => {
  const db = await duckDb();
  try {
    return await work(db);
  } finally {
    db.closeSync();
  }
};
