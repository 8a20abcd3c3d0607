/**
 * An opt-out reaches the log: the log objects and the state files that hold an opted-out account
 * are rewritten without it (the log object under its own key, state files under new keys that the
 * run's manifest commits), and the ids of its interactions are returned, so their dedupe keys can
 * go too. Topic windows lose the account when each topic is next merged (lib/app/aggregation/topic-window.ts).
 */
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlFiles, sqlString, PARQUET_ZSTD } from '../../adapters/duckdb/duckdb';
import { objectStoreLayout } from '../log/layout';
import type { ObjectStore } from '../../adapters/object-store/object-store';
import { appendStrings } from '../aggregation/topic-window';

export interface PurgeRequest {
  /** `network:id` of the accounts to remove. */
  accounts: readonly string[];
  state: { index: readonly string[]; content: readonly string[]; handles: readonly string[] };
  version: string;
  work: string;
}

export interface PurgeResult {
  interactions: { network: string; id: string }[];
  rewritten: { index: { from: string; to: string }[]; content: { from: string; to: string }[]; handles: { from: string; to: string }[] };
  logObjects: number;
}

export const purgeFromLogAndState = async (db: DuckDBConnection, objects: ObjectStore, request: PurgeRequest): Promise<PurgeResult> => {
  await db.run(`CREATE OR REPLACE TEMP TABLE leaving (account VARCHAR)`);
  await appendStrings(db, 'leaving', request.accounts);
  const logKeys = await objects.list(objectStoreLayout.log.prefix);
  const logFiles = await objects.localPaths(logKeys);
  const fileOfKey = new Map(logFiles.map((file, i) => [file, logKeys[i]!]));
  const indexFiles = await objects.localPaths(request.state.index);

  // Every interaction the accounts took part in, from the log and from the index.
  const sources = [
    ...(logFiles.length > 0
      ? [
          `SELECT network, id FROM read_parquet(${sqlFiles(logFiles)}, union_by_name = true) WHERE kind = 'interaction' AND (actor IN (SELECT account FROM leaving) OR target IN (SELECT account FROM leaving))`,
        ]
      : []),
    ...(indexFiles.length > 0
      ? [
          `SELECT network, id FROM read_parquet(${sqlFiles(indexFiles)}, union_by_name = true) WHERE actor IN (SELECT account FROM leaving) OR target IN (SELECT account FROM leaving)`,
        ]
      : []),
  ];
  await db.run(
    `CREATE OR REPLACE TEMP TABLE leaving_ids AS ${sources.length > 0 ? sources.join(' UNION ') : 'SELECT NULL::VARCHAR AS network, NULL::VARCHAR AS id WHERE false'}`,
  );
  const interactions = (await db.runAndReadAll(`SELECT network, id FROM leaving_ids ORDER BY 1, 2`))
    .getRows()
    .map(([network, id]) => ({ network: String(network), id: String(id) }));

  const logRowGoes = `(kind = 'interaction' AND (actor IN (SELECT account FROM leaving) OR target IN (SELECT account FROM leaving)))
    OR (kind = 'handle' AND actor IN (SELECT account FROM leaving))
    OR (kind = 'retract' AND EXISTS (SELECT 1 FROM leaving_ids l WHERE l.network = log.network AND l.id = log.id))`;
  let logObjects = 0;
  for (const file of logFiles) {
    const holds = Number((await db.runAndReadAll(`SELECT count(*) FROM read_parquet(${sqlString(file)}) AS log WHERE ${logRowGoes}`)).getRows()[0]![0]);
    if (holds === 0) continue;
    const output = join(request.work, `log-${logObjects}.parquet`);
    await db.run(`COPY (SELECT * FROM read_parquet(${sqlString(file)}) AS log WHERE NOT (${logRowGoes})) TO ${sqlString(output)} (${PARQUET_ZSTD})`);
    await objects.putFile(fileOfKey.get(file)!, output);
    logObjects++;
  }

  const rewrite = async (kind: 'index' | 'handles', goes: string) => {
    const keys = request.state[kind];
    const files = await objects.localPaths(keys);
    const rewritten: { from: string; to: string }[] = [];
    for (const [i, file] of files.entries()) {
      const holds = Number((await db.runAndReadAll(`SELECT count(*) FROM read_parquet(${sqlString(file)}) AS state WHERE ${goes}`)).getRows()[0]![0]);
      if (holds === 0) continue;
      const output = join(request.work, `${kind}-${i}.parquet`);
      await db.run(`COPY (SELECT * FROM read_parquet(${sqlString(file)}) AS state WHERE NOT (${goes})) TO ${sqlString(output)} (${PARQUET_ZSTD})`);
      const to = keys[i]!.replace(/\.parquet$/, `-p${request.version}.parquet`);
      await objects.putFile(to, output);
      rewritten.push({ from: keys[i]!, to });
    }
    return rewritten;
  };
  const index = await rewrite(
    'index',
    `actor IN (SELECT account FROM leaving) OR target IN (SELECT account FROM leaving) OR EXISTS (SELECT 1 FROM leaving_ids l WHERE l.network = state.network AND l.id = state.id)`,
  );
  const handles = await rewrite('handles', `account IN (SELECT account FROM leaving)`);
  await db.run(`DROP TABLE leaving`);
  await db.run(`DROP TABLE leaving_ids`);
  return { interactions, rewritten: { index, content: [], handles }, logObjects };
};
