import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlFiles } from '../log/duckdb';
import { appendStrings } from './topic-window';

/**
 * The handle of each of these accounts from the handle state files: a handle the account claimed
 * for itself wins (the latest claim); otherwise the one seen on the latest day, and on a tie the
 * greater string, so the result does not depend on the order of arrival.
 */
export const readHandles = async (db: DuckDBConnection, handleFiles: readonly string[], accounts: readonly string[]): Promise<Map<string, string>> => {
  if (handleFiles.length === 0 || accounts.length === 0) return new Map();
  await db.run(`CREATE OR REPLACE TEMP TABLE handle_wanted (account VARCHAR)`);
  await appendStrings(db, 'handle_wanted', [...new Set(accounts)]);
  const rows = (
    await db.runAndReadAll(`SELECT account, handle FROM read_parquet(${sqlFiles(handleFiles)}, union_by_name = true)
      WHERE account IN (SELECT account FROM handle_wanted)
      QUALIFY row_number() OVER (PARTITION BY account ORDER BY claimed DESC, CASE WHEN claimed THEN seen_at ELSE seen_at::DATE END DESC, handle DESC) = 1`)
  ).getRows();
  await db.run(`DROP TABLE handle_wanted`);
  return new Map(rows.map(([account, handle]) => [String(account), String(handle)]));
};

/** The accounts the handle files `added` name whose best handle they change: read from `committed` alone, then with them. */
export const renamedAccounts = async (db: DuckDBConnection, committed: readonly string[], added: readonly string[]): Promise<string[]> => {
  if (added.length === 0) return [];
  const sighted = (await db.runAndReadAll(`SELECT DISTINCT account FROM read_parquet(${sqlFiles(added)})`)).getRows().map(([account]) => String(account));
  const before = await readHandles(db, committed, sighted);
  const after = await readHandles(db, [...committed, ...added], sighted);
  return sighted.filter((account) => before.get(account) !== after.get(account));
};
