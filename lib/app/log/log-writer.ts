import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { listValue, timestampValue, type DuckDBConnection } from '@duckdb/node-api';
import { LOG_COLUMNS, type LogRow } from './log-rows';
import { sqlString, withDuckDb, PARQUET_ZSTD } from '../../adapters/duckdb/duckdb';
import { scratchFolder } from '../../adapters/scratch-folder';
import type { ObjectStore } from '../../adapters/object-store/object-store';

const appendRows = async (db: DuckDBConnection, table: string, rows: readonly LogRow[]): Promise<void> => {
  const appender = await db.createAppender(table);
  const text = (value: string | null) => (value === null ? appender.appendNull() : appender.appendVarchar(value));
  for (const row of rows) {
    text(row.kind);
    text(row.network);
    text(row.id);
    text(row.type);
    text(row.actor);
    text(row.actorHandle);
    text(row.target);
    text(row.targetHandle);
    text(row.contentId);
    text(row.parentContentId);
    if (row.topics === null) appender.appendNull();
    else appender.appendList(listValue(row.topics));
    appender.appendTimestamp(timestampValue(BigInt(row.at) * 1000n));
    text(row.handle);
    appender.endRow();
  }
  appender.closeSync();
};

/** Writes rows as one Parquet object of the log (zstd-compressed, one row group). */
export const writeLogObject = async (store: ObjectStore, key: string, rows: readonly LogRow[]): Promise<void> => {
  const table = `rows_${randomUUID().replace(/-/g, '')}`;
  const file = join(scratchFolder(), `${table}.parquet`);
  try {
    await withDuckDb(async (db) => {
      await db.run(`CREATE TEMP TABLE ${table} (${LOG_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})`);
      try {
        await appendRows(db, table, rows);
        await db.run(`COPY ${table} TO ${sqlString(file)} (${PARQUET_ZSTD})`);
      } finally {
        await db.run(`DROP TABLE IF EXISTS ${table}`);
      }
    });
    await store.putFile(key, file);
  } finally {
    await rm(file, { force: true });
  }
};
