/**
 * A topic's window: its daily aggregates over the scoring window (engagements per author, engager
 * and day; posts per author and day; responses per piece of content and day), one Parquet object
 * per topic, brought up to date by each run with that run's deltas (lib/app/aggregation/resolve.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlFiles, sqlString } from '../../adapters/duckdb/duckdb';
import { emptyEngagementColumns, emptyPostColumns, type TopicAggregates } from '../../domain/scoring/engagement';
import { AGGREGATE_COUNTERS } from './resolve';

export interface WindowMerge {
  /** The topic's window as of its last run, if it has one. */
  previous: string | null;
  /** Delta files for the topic, in any order. */
  deltas: readonly string[];
  /** Rows of days before this one leave the window (YYYY-MM-DD). */
  firstDay: string;
  /** Accounts whose rows leave the window — those that opted out — by the hex SHA-256 of `network:id`. */
  withoutDigests: readonly string[];
  output: string;
}

const WINDOW_COLUMNS = `kind, day, author, engager, content_id, ${AGGREGATE_COUNTERS.join(', ')}`;

/**
 * A topic's window as an incremental run leaves it: the file its last merge wrote and the deltas
 * scored since, not merged into it (merging rewrites the whole window, which made an incremental
 * run cost as much as the topic's size rather than its change). Readers sum them by key.
 */
export interface WindowFiles {
  /** Local file of the last merge, if any. */
  merged: string | null;
  /** Local delta files scored since that merge. */
  deltas: readonly string[];
  /** Rows of days before this one are out of the window (YYYY-MM-DD). */
  firstDay: string;
}

/** A window as its readers take it: its files, or the part of it a run reads, summed once into a temporary table (windowPart). */
export type TopicWindow = WindowFiles | { table: string };

/**
 * SQL of the window's rows, one per key (kind, day, author, engager, content_id) with its counters
 * summed and none all zero, of those `where` keeps (filtered before they are summed). A merged file
 * alone is read as it stands: its merge summed it.
 */
export const windowRows = (window: TopicWindow, where = 'true'): string => {
  if ('table' in window) return `(SELECT * FROM ${window.table} WHERE ${where})`;
  const kept = `day >= DATE ${sqlString(window.firstDay)} AND (${where})`;
  const files = [...(window.merged ? [window.merged] : []), ...window.deltas];
  if (files.length === 0)
    return `(SELECT ${WINDOW_COLUMNS} FROM (SELECT NULL::VARCHAR AS kind, NULL::DATE AS day, NULL::VARCHAR AS author, NULL::VARCHAR AS engager, NULL::VARCHAR AS content_id, ${AGGREGATE_COUNTERS.map((counter) => `NULL::INTEGER AS ${counter}`).join(', ')} WHERE false))`;
  if (window.deltas.length === 0) return `(SELECT ${WINDOW_COLUMNS} FROM read_parquet(${sqlString(files[0]!)}) WHERE ${kept})`;
  return `(SELECT kind, day, author, engager, content_id, ${AGGREGATE_COUNTERS.map((counter) => `sum(${counter})::INTEGER AS ${counter}`).join(', ')}
      FROM read_parquet(${sqlFiles(files)}, union_by_name = true)
      WHERE ${kept}
      GROUP BY ALL
      HAVING ${AGGREGATE_COUNTERS.map((counter) => `sum(${counter}) <> 0`).join(' OR ')})`;
};

/**
 * The rows of the window `where` keeps, summed once into the temporary table `table`: the window
 * for readers that read only those (an incremental run's, which read the rows of the accounts it
 * rescores three times over).
 */
export const windowPart = async (db: DuckDBConnection, window: WindowFiles, where: string, table: string): Promise<TopicWindow> => {
  await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM ${windowRows(window, where)}`);
  return { table };
};

/** Opted-out accounts found among the distinct accounts of `rows` (a relation of window rows), by the hex SHA-256 of `network:id`. */
const optedOutAccounts = (rows: string, digests: readonly string[]): string =>
  `SELECT account FROM (SELECT author AS account FROM ${rows} UNION SELECT engager FROM ${rows} WHERE engager IS NOT NULL)
     WHERE list_contains([${digests.map(sqlString).join(', ')}], sha256(account))`;

/** Writes the merged window to `output`, in no particular order (readers group it; sorting the overall topic's window was most of its merge). */
export const mergeTopicWindow = async (db: DuckDBConnection, merge: WindowMerge): Promise<void> => {
  // Summed even when there is one file: a delta's rows may cancel out (an interaction and its retraction).
  const merged = windowRows({ merged: null, deltas: [...(merge.previous ? [merge.previous] : []), ...merge.deltas], firstDay: merge.firstDay });
  const leaving = merge.withoutDigests.length === 0 ? '' : `, gone AS (${optedOutAccounts('merged', merge.withoutDigests)})`;
  const kept =
    merge.withoutDigests.length === 0
      ? ''
      : `WHERE author NOT IN (SELECT account FROM gone) AND (engager IS NULL OR engager NOT IN (SELECT account FROM gone))`;
  await db.run(`COPY (
      WITH merged AS ${merged}${leaving}
      SELECT * FROM merged ${kept}
    ) TO ${sqlString(merge.output)} (FORMAT parquet, COMPRESSION zstd)`);
};

/** Whether any of these delta files names an account of `digests` (hex SHA-256 of `network:id`). */
export const deltasNameAny = async (db: DuckDBConnection, deltas: readonly string[], digests: readonly string[]): Promise<boolean> => {
  if (deltas.length === 0 || digests.length === 0) return false;
  const rows = `read_parquet(${sqlFiles(deltas)}, union_by_name = true)`;
  return (await db.runAndReadAll(`SELECT count(*) FROM (${optedOutAccounts(rows, digests)})`)).getRows()[0]![0] !== 0n;
};

/**
 * A window as the columns scoring reads (lib/domain/scoring/engagement.ts): accounts in name order,
 * each edge and post row by their indices. An incremental run passes the part of the window it
 * rescores from (windowPart): the rows of the touched accounts, engagements in and out and posts.
 */
export const readTopicAggregates = async (db: DuckDBConnection, window: TopicWindow): Promise<TopicAggregates> => {
  // Files are summed once into a table the reads below share; a table (an incremental run's part) is read as it stands.
  const copied = !('table' in window);
  const kinds = `kind IN ('edge', 'post')`;
  if (copied) await db.run(`CREATE OR REPLACE TEMP TABLE window_rows AS SELECT * FROM ${windowRows(window, kinds)}`);
  const rows = copied ? 'window_rows' : windowRows(window, kinds);
  const names = (await db.runAndReadAll(`SELECT DISTINCT author FROM ${rows} UNION SELECT DISTINCT engager FROM ${rows} WHERE engager IS NOT NULL`))
    .getRows()
    .map(([name]) => String(name));
  // Name order as JavaScript compares strings (UTF-16 code units), which scoring relies on.
  const accounts = names.sort();
  await db.run(`CREATE OR REPLACE TEMP TABLE dictionary (account VARCHAR, position INTEGER)`);
  const appender = await db.createAppender('dictionary');
  accounts.forEach((account, position) => {
    appender.appendVarchar(account);
    appender.appendInteger(position);
    appender.endRow();
  });
  appender.closeSync();

  const [edgeRows, postRows] = (
    await db.runAndReadAll(`SELECT count(*) FILTER (WHERE kind = 'edge'), count(*) FILTER (WHERE kind = 'post') FROM ${rows}`)
  ).getRows()[0]!;
  const edgeCount = Number(edgeRows);
  const edges = emptyEngagementColumns(edgeCount);
  let r = 0;
  await forEachChunk(
    db,
    `SELECT a.position, e.position, (day - DATE '1970-01-01')::INTEGER, n_reply, n_quote, n_share, n_like, n_mention, n_follow
     FROM ${rows} w JOIN dictionary a ON a.account = w.author JOIN dictionary e ON e.account = w.engager WHERE kind = 'edge'`,
    (columns, length) => {
      for (let i = 0; i < length; i++, r++) {
        edges.author[r] = columns[0]!(i);
        edges.engager[r] = columns[1]!(i);
        edges.day[r] = columns[2]!(i);
        edges.reply[r] = columns[3]!(i);
        edges.quote[r] = columns[4]!(i);
        edges.share[r] = columns[5]!(i);
        edges.like[r] = columns[6]!(i);
        edges.mention[r] = columns[7]!(i);
        edges.follow[r] = columns[8]!(i);
      }
    },
  );
  const postCount = Number(postRows);
  const posts = emptyPostColumns(postCount);
  r = 0;
  await forEachChunk(
    db,
    `SELECT a.position, (day - DATE '1970-01-01')::INTEGER, posts FROM ${rows} w JOIN dictionary a ON a.account = w.author WHERE kind = 'post'`,
    (columns, length) => {
      for (let i = 0; i < length; i++, r++) {
        posts.author[r] = columns[0]!(i);
        posts.day[r] = columns[1]!(i);
        posts.count[r] = columns[2]!(i);
      }
    },
  );
  for (const table of copied ? ['window_rows', 'dictionary'] : ['dictionary']) await db.run(`DROP TABLE IF EXISTS ${table}`);
  return { accounts, edges, posts };
};

/** Responses to each piece of content of the authors `authors` (a query of one `account` column) lists over the window, the most answered `perAuthor` of each. */
export const readTopContent = async (
  db: DuckDBConnection,
  window: TopicWindow,
  authors: string,
  perAuthor: number,
): Promise<Map<string, { contentId: string; responses: number }[]>> => {
  const rows = (
    await db.runAndReadAll(`SELECT author, content_id, responses FROM (
        SELECT author, content_id, sum(responses)::BIGINT AS responses FROM ${windowRows(window, `kind = 'content' AND author IN (${authors})`)}
        GROUP BY author, content_id
      ) QUALIFY row_number() OVER (PARTITION BY author ORDER BY responses DESC, content_id) <= ${perAuthor}
      ORDER BY author, responses DESC, content_id`)
  ).getRows();
  const byAuthor = new Map<string, { contentId: string; responses: number }[]>();
  for (const [author, contentId, responses] of rows) {
    const list = byAuthor.get(String(author)) ?? [];
    list.push({ contentId: String(contentId), responses: Number(responses) });
    byAuthor.set(String(author), list);
  }
  return byAuthor;
};

/** Engagers kept of each audience: below this many, overlaps are exact; above, estimated within about 1/√AUDIENCE_SKETCH_SIZE. */
export const AUDIENCE_SKETCH_SIZE = 256;

/**
 * Each author's audience in the window, as a query (one row per author of `authors`, a query of
 * one `account` column, or of every author): its distinct engagers, and a bottom-k sketch of them — the
 * AUDIENCE_SKETCH_SIZE smallest 32-bit MD5 hashes of their names, in no order — from which two
 * accounts' overlap is counted (lib/domain/search/audience.ts). A window function keeps the smallest:
 * it sorts out of core, where a top-k aggregate over a million authors would not fit in memory.
 */
export const audienceSketchesQuery = (window: TopicWindow, authors: string | null): string => `
  SELECT account, any_value(engagers)::BIGINT AS engagers, list(hash) AS sketch FROM (
    SELECT author AS account, hash, count(*) OVER (PARTITION BY author) AS engagers FROM (
      SELECT DISTINCT author, (md5_number_lower(engager) >> 32)::UINTEGER AS hash
      FROM ${windowRows(window, `kind = 'edge' AND engager IS NOT NULL AND engager <> author ${authors === null ? '' : `AND author IN (${authors})`}`)}
    ) QUALIFY row_number() OVER (PARTITION BY author ORDER BY hash) <= ${AUDIENCE_SKETCH_SIZE}
  ) GROUP BY account`;

/** Appends strings to a one-column temporary table. */
export const appendStrings = async (db: DuckDBConnection, table: string, values: readonly string[]): Promise<void> => {
  const appender = await db.createAppender(table);
  for (const value of values) {
    appender.appendVarchar(value);
    appender.endRow();
  }
  appender.closeSync();
};

/** Streams a query's result chunk by chunk, each column as a getter of numbers. */
const forEachChunk = async (db: DuckDBConnection, sql: string, each: (columns: ((i: number) => number)[], length: number) => void): Promise<void> => {
  const result = await db.stream(sql);
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const columns = Array.from({ length: chunk.columnCount }, (_, c) => {
      const vector = chunk.getColumnVector(c);
      return (i: number) => Number(vector.getItem(i));
    });
    each(columns, chunk.rowCount);
  }
};
