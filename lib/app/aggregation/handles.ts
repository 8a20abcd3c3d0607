import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlFiles } from '../../adapters/duckdb/duckdb';
import { appendStrings } from './topic-window';

/**
 * The handle of each of these accounts from the handle state files: a handle the account claimed
 * for itself wins (the latest claim); otherwise the one seen on the latest day, and on a tie the
 * greater string, so the result does not depend on the order of arrival.
 */
export const readHandles = async (db: DuckDBConnection, handleFiles: readonly string[], accounts: readonly string[]): Promise<Map<string, string>> => {
  if (handleFiles.length === 0 || accounts.length === 0) return new Map();
  return handlesOf(db, bestHandlesQuery(handleFiles, `SELECT account FROM handle_wanted`), accounts);
};

/** SQL of `(account, handle)`: the best handle, by readHandles's rule, of each account `wanted` (a query of accounts) lists. */
export const bestHandlesQuery = (handleFiles: readonly string[], wanted: string): string =>
  handleFiles.length === 0
    ? `SELECT NULL::VARCHAR AS account, NULL::VARCHAR AS handle WHERE false`
    : `SELECT account, handle FROM read_parquet(${sqlFiles(handleFiles)}, union_by_name = true) WHERE account IN (${wanted}) ${BEST_HANDLE}`;

const BEST_HANDLE = `QUALIFY row_number() OVER (PARTITION BY account ORDER BY claimed DESC, CASE WHEN claimed THEN seen_at ELSE seen_at::DATE END DESC, handle DESC) = 1`;

const handlesOf = async (db: DuckDBConnection, query: string, accounts: readonly string[]): Promise<Map<string, string>> => {
  await db.run(`CREATE OR REPLACE TEMP TABLE handle_wanted (account VARCHAR)`);
  await appendStrings(db, 'handle_wanted', [...new Set(accounts)]);
  const rows = (await db.runAndReadAll(query)).getRows();
  await db.run(`DROP TABLE handle_wanted`);
  return new Map(rows.map(([account, handle]) => [String(account), String(handle)]));
};

/** The process's table of every account's best handle in one set of handle files, and the files it was built from. */
let bestHandles: { files: string; table: Promise<string> } | undefined;
let tables = 0;

/**
 * readHandles for a worker that runs many topics of one run: the best handle of every account in
 * the files is read once into a table of the process's DuckDB (shared by its connections), and
 * each topic looks its accounts up there. A new set of files (the next run) replaces the table.
 */
export const readHandlesOfRun = async (db: DuckDBConnection, handleFiles: readonly string[], accounts: readonly string[]): Promise<Map<string, string>> => {
  if (handleFiles.length === 0 || accounts.length === 0) return new Map();
  const files = handleFiles.join('\n');
  if (bestHandles?.files !== files) {
    const replaced = bestHandles;
    const table = `best_handles_${++tables}`;
    const built = (async () => {
      await db.run(`CREATE TABLE ${table} AS SELECT account, handle FROM read_parquet(${sqlFiles(handleFiles)}, union_by_name = true) ${BEST_HANDLE}`);
      const old = await replaced?.table.catch(() => null);
      if (old) await db.run(`DROP TABLE IF EXISTS ${old}`);
      return table;
    })();
    bestHandles = { files, table: built };
    // A build that failed is tried again by the next caller.
    built.catch(() => {
      if (bestHandles?.table === built) bestHandles = undefined;
    });
  }
  const table = await bestHandles.table;
  return handlesOf(db, `SELECT account, handle FROM ${table} WHERE account IN (SELECT account FROM handle_wanted)`, accounts);
};

/** The accounts the handle files `added` name whose best handle they change: read from `committed` alone, then with them. */
export const renamedAccounts = async (db: DuckDBConnection, committed: readonly string[], added: readonly string[]): Promise<string[]> => {
  if (added.length === 0) return [];
  const sighted = (await db.runAndReadAll(`SELECT DISTINCT account FROM read_parquet(${sqlFiles(added)})`)).getRows().map(([account]) => String(account));
  const before = await readHandles(db, committed, sighted);
  const after = await readHandles(db, [...committed, ...added], sighted);
  return sighted.filter((account) => before.get(account) !== after.get(account));
};
