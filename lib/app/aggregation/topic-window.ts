/**
 * A topic's window: its daily aggregates over the scoring window (engagements per author, engager
 * and day; posts per author and day; responses per piece of content and day), one Parquet object
 * per topic, brought up to date by each run with that run's deltas (lib/app/aggregation/resolve.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlFiles, sqlString, streamedRows, PARQUET_ZSTD } from '../../adapters/duckdb/duckdb';
import {
  emptyEngagementColumns,
  emptyPostColumns,
  ENGAGEMENT_COUNT_COLUMNS,
  topicAggregatesOf,
  type EngagementAggregate,
  type PostAggregate,
  type TopicAggregates,
} from '../../domain/scoring/engagement';
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

/** A window as its readers take it: its files, or the part of it an incremental run reads, one topic's rows of a table (readTouchedParts). */
export type TopicWindow = WindowFiles | { table: string; topic: string };

/**
 * SQL of the window's rows, one per key (kind, day, author, engager, content_id) with its counters
 * summed and none all zero, of those `where` keeps (filtered before they are summed). A merged file
 * alone is read as it stands: its merge summed it.
 */
export const windowRows = (window: TopicWindow, where = 'true'): string => {
  if ('table' in window) return `(SELECT * EXCLUDE (topic) FROM ${window.table} WHERE topic = ${sqlString(window.topic)} AND (${where}))`;
  const kept = `day >= DATE ${sqlString(window.firstDay)} AND (${where})`;
  const files = windowFilesOf(window);
  if (files.length === 0)
    return `(SELECT ${WINDOW_COLUMNS} FROM (SELECT NULL::VARCHAR AS kind, NULL::DATE AS day, NULL::VARCHAR AS author, NULL::VARCHAR AS engager, NULL::VARCHAR AS content_id, ${AGGREGATE_COUNTERS.map((counter) => `NULL::INTEGER AS ${counter}`).join(', ')} WHERE false))`;
  if (window.deltas.length === 0) return `(SELECT ${WINDOW_COLUMNS} FROM read_parquet(${sqlString(files[0]!)}) WHERE ${kept})`;
  return `(${summedRows(`read_parquet(${sqlFiles(files)}, union_by_name = true)`, kept)})`;
};

/** SQL of the rows of `source` that `where` keeps, summed by key (and by the `by` columns, each followed by a comma), none all zero. */
const summedRows = (source: string, where: string, by = ''): string => `
  SELECT ${by} kind, day, author, engager, content_id, ${AGGREGATE_COUNTERS.map((counter) => `sum(${counter})::INTEGER AS ${counter}`).join(', ')}
  FROM ${source}
  WHERE ${where}
  GROUP BY ALL
  HAVING ${AGGREGATE_COUNTERS.map((counter) => `sum(${counter}) <> 0`).join(' OR ')}`;

/** Opted-out accounts found among the distinct accounts of `rows` (a relation of window rows), by the hex SHA-256 of `network:id`. */
const optedOutAccounts = (rows: string, digests: readonly string[]): string =>
  `SELECT account FROM (SELECT author AS account FROM ${rows} UNION SELECT engager FROM ${rows} WHERE engager IS NOT NULL)
     WHERE list_contains([${digests.map(sqlString).join(', ')}], sha256(account))`;

/** Writes the merged window to `output`, in no particular order (readers group it; sorting the overall topic's window was most of its merge). */
export const mergeTopicWindow = async (db: DuckDBConnection, merge: WindowMerge): Promise<void> => {
  // Summed even when there is one file: a delta's rows may cancel out (an interaction and its retraction).
  const merged = windowRows({ merged: null, deltas: [...(merge.previous ? [merge.previous] : []), ...merge.deltas], firstDay: merge.firstDay });
  await db.run(`COPY (
      WITH merged AS ${merged} ${withoutAccountsOf(merge.withoutDigests)}
    ) TO ${sqlString(merge.output)} (${PARQUET_ZSTD})`);
};

/** The end of a query that follows `WITH merged AS (window rows)`: those rows, less every row naming an account of `digests`. */
const withoutAccountsOf = (digests: readonly string[]): string =>
  digests.length === 0
    ? 'SELECT * FROM merged'
    : `, gone AS (${optedOutAccounts('merged', digests)})
      SELECT * FROM merged WHERE author NOT IN (SELECT account FROM gone) AND (engager IS NULL OR engager NOT IN (SELECT account FROM gone))`;

/** Whether any of these delta files names an account of `digests` (hex SHA-256 of `network:id`). */
export const deltasNameAny = async (db: DuckDBConnection, deltas: readonly string[], digests: readonly string[]): Promise<boolean> => {
  if (deltas.length === 0 || digests.length === 0) return false;
  const rows = `read_parquet(${sqlFiles(deltas)}, union_by_name = true)`;
  return (await db.runAndReadAll(`SELECT count(*) FROM (${optedOutAccounts(rows, digests)})`)).getRows()[0]![0] !== 0n;
};

/**
 * A window as the columns scoring reads (lib/domain/scoring/engagement.ts): accounts in name order,
 * each edge and post row by their indices. An incremental run passes the part of the window it
 * rescores from (readTouchedParts): the rows of the touched accounts, engagements in and out and posts.
 */
export const readTopicAggregates = async (db: DuckDBConnection, window: TopicWindow): Promise<TopicAggregates> => {
  // Files are summed once into a table the reads below share; a table (an incremental run's part) is read as it stands.
  const copied = !('table' in window);
  const kinds = `kind IN ('edge', 'post')`;
  if (copied) await db.run(`CREATE OR REPLACE TEMP TABLE window_rows AS SELECT * FROM ${windowRows(window, kinds)}`);
  const [aggregates] = await aggregatesOf(db, copied ? 'window_rows' : windowRows(window, kinds), 1);
  if (copied) await db.run(`DROP TABLE window_rows`);
  return aggregates!;
};

/**
 * readTopicAggregates of every topic of mergeTopicWindows' `${tables}_window`, in nine statements
 * for them all rather than five a topic: a full pass's small topics are many, and a statement costs
 * milliseconds whatever its rows.
 */
export const readMergedAggregates = async (db: DuckDBConnection, tables: string): Promise<Map<string, TopicAggregates>> => {
  const rows = `FROM ${tables}_window WHERE kind IN ('edge', 'post')`;
  // A topic with none of these rows (content alone) is not in the answer: it has no aggregates.
  const topics = (await db.runAndReadAll(`SELECT DISTINCT topic ${rows} ORDER BY topic`)).getRows().map(([topic]) => String(topic));
  // Topics by number, in the order just read: a number a row is cheap to read back, a topic's name is not.
  await db.run(`CREATE OR REPLACE TEMP TABLE ${tables}_rows AS SELECT (dense_rank() OVER (ORDER BY topic) - 1)::INTEGER AS number, * EXCLUDE (topic) ${rows}`);
  try {
    const read = await aggregatesOf(db, `${tables}_rows`, topics.length);
    return new Map(topics.map((topic, number) => [topic, read[number]!]));
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${tables}_rows`);
  }
};

/**
 * The accounts of each topic of `rows`, in name order as JavaScript compares strings (UTF-16 code
 * units), which scoring relies on; and the table `dictionary` of their positions in it. DuckDB
 * numbers them, in the byte order of UTF-8: the same order unless a name holds a character past
 * U+FFFF, and then JavaScript sorts them and numbers them itself.
 */
const numberedAccounts = async (db: DuckDBConnection, rows: string, numbered: boolean, topics: number): Promise<string[][]> => {
  const number = numbered ? 'number, ' : '';
  await db.run(`CREATE OR REPLACE TEMP TABLE dictionary AS
    SELECT ${number}account, (row_number() OVER (${numbered ? 'PARTITION BY number ' : ''}ORDER BY account) - 1)::INTEGER AS position
    FROM (SELECT DISTINCT ${number}author AS account FROM ${rows} UNION SELECT DISTINCT ${number}engager FROM ${rows} WHERE engager IS NOT NULL)`);
  // Filled by position, as DuckDB answers them: made whole first (an array grown out of order is a slow one).
  const names = Array.from({ length: topics }, (): string[] => []);
  for (const [of, count] of (await db.runAndReadAll(`SELECT ${numbered ? 'number' : '0'}, count(*) FROM dictionary GROUP BY ALL`)).getRows())
    names[Number(of)] = Array.from({ length: Number(count) }, () => '');
  for await (const rows of streamedRows(db, `SELECT ${numbered ? 'number' : '0'}, position, account FROM dictionary`))
    for (const [of, position, account] of rows) names[Number(of)]![Number(position)] = String(account);
  const inOrder = (accounts: readonly string[]) => accounts.every((account, i) => i === 0 || accounts[i - 1]! < account);
  if (names.every(inOrder)) return names;
  await db.run(`CREATE OR REPLACE TEMP TABLE dictionary (${numbered ? 'number INTEGER, ' : ''}account VARCHAR, position INTEGER)`);
  const appender = await db.createAppender('dictionary');
  names.forEach((accounts, of) => {
    accounts.sort().forEach((account, position) => {
      if (numbered) appender.appendInteger(of);
      appender.appendVarchar(account);
      appender.appendInteger(position);
      appender.endRow();
    });
  });
  appender.closeSync();
  return names;
};

/**
 * The aggregates of `rows` (window rows of edges and posts): of one topic, or, when `topics` is
 * more than one, of each topic its `number` column (0 to topics - 1) tells. Accounts are numbered
 * by a dictionary table the rows are joined with.
 */
const aggregatesOf = async (db: DuckDBConnection, rows: string, topics: number): Promise<TopicAggregates[]> => {
  // One topic's rows (the overall topic's: a million accounts) are read and numbered without a topic number.
  const numbered = topics > 1;
  const names = await numberedAccounts(db, rows, numbered, topics);

  const counts = Array.from({ length: topics }, () => [0, 0]);
  await forEachChunk(
    db,
    `SELECT ${numbered ? 'number' : '0'}, count(*) FILTER (WHERE kind = 'edge'), count(*) FILTER (WHERE kind = 'post') FROM ${rows} ${numbered ? 'GROUP BY number' : ''}`,
    (columns, length) => {
      for (let i = 0; i < length; i++) counts[columns[0]!(i)] = [columns[1]!(i), columns[2]!(i)];
    },
  );
  const read = names.map((accounts, of) => ({ accounts, edges: emptyEngagementColumns(counts[of]![0]!), posts: emptyPostColumns(counts[of]![1]!) }));
  const filled = read.map(() => ({ edges: 0, posts: 0 }));
  const sameTopic = (alias: string) => (numbered ? `${alias}.number = w.number AND ` : '');
  await forEachChunk(
    db,
    `SELECT ${numbered ? 'w.number' : '0'}, a.position, e.position, (day - DATE '1970-01-01')::INTEGER, n_reply, n_quote, n_share, n_like, n_mention, n_follow
     FROM ${rows} w JOIN dictionary a ON ${sameTopic('a')}a.account = w.author JOIN dictionary e ON ${sameTopic('e')}e.account = w.engager WHERE kind = 'edge'`,
    (columns, length) => {
      for (let i = 0; i < length; i++) {
        const of = columns[0]!(i);
        const { edges } = read[of]!;
        const r = filled[of]!.edges++;
        edges.author[r] = columns[1]!(i);
        edges.engager[r] = columns[2]!(i);
        edges.day[r] = columns[3]!(i);
        edges.reply[r] = columns[4]!(i);
        edges.quote[r] = columns[5]!(i);
        edges.share[r] = columns[6]!(i);
        edges.like[r] = columns[7]!(i);
        edges.mention[r] = columns[8]!(i);
        edges.follow[r] = columns[9]!(i);
      }
    },
  );
  await forEachChunk(
    db,
    `SELECT ${numbered ? 'w.number' : '0'}, a.position, (day - DATE '1970-01-01')::INTEGER, posts FROM ${rows} w JOIN dictionary a ON ${sameTopic('a')}a.account = w.author WHERE kind = 'post'`,
    (columns, length) => {
      for (let i = 0; i < length; i++) {
        const of = columns[0]!(i);
        const { posts } = read[of]!;
        const r = filled[of]!.posts++;
        posts.author[r] = columns[1]!(i);
        posts.day[r] = columns[2]!(i);
        posts.count[r] = columns[3]!(i);
      }
    },
  );
  await db.run(`DROP TABLE IF EXISTS dictionary`);
  return read;
};

/** Each author's most answered content, by account: each piece's responses over the window. */
export type TopContent = Map<string, { contentId: string; responses: number }[]>;

/**
 * readTopicAggregates of every topic of readTouchedParts' tables, in one read rather than five
 * statements a topic: each topic's rows are few, and named and indexed here (topicAggregatesOf).
 */
export const readTouchedAggregates = async (db: DuckDBConnection, tables: string): Promise<Map<string, TopicAggregates>> => {
  const rows =
    await db.runAndReadAll(`SELECT topic, kind, author, engager, strftime(day, '%Y-%m-%d') AS day, posts, ${ENGAGEMENT_COUNT_COLUMNS.map((type) => `n_${type}`).join(', ')}
    FROM ${tables}_window WHERE kind = 'post' OR (kind = 'edge' AND engager IS NOT NULL)`);
  const byTopic = new Map<string, { edges: EngagementAggregate[]; posts: PostAggregate[] }>();
  for (const [topic, kind, author, engager, day, posts, ...counts] of rows.getRows()) {
    const rowsOfTopic = byTopic.get(String(topic)) ?? { edges: [], posts: [] };
    byTopic.set(String(topic), rowsOfTopic);
    if (kind === 'post') rowsOfTopic.posts.push({ author: String(author), day: String(day), posts: Number(posts) });
    else
      rowsOfTopic.edges.push({
        author: String(author),
        engager: String(engager),
        day: String(day),
        counts: Object.fromEntries(ENGAGEMENT_COUNT_COLUMNS.map((type, i) => [type, Number(counts[i])])),
      });
  }
  return new Map([...byTopic].map(([topic, { edges, posts }]) => [topic, topicAggregatesOf(edges, posts)]));
};

/** Responses to each piece of content of the authors `authors` (a query of one `account` column) lists over the window, the most answered `perAuthor` of each. */
export const readTopContent = async (db: DuckDBConnection, window: TopicWindow, authors: string, perAuthor: number): Promise<TopContent> => {
  const byAuthor: TopContent = new Map();
  const rows = await db.runAndReadAll(topContentQuery(windowRows(window, `kind = 'content' AND author IN (${authors})`), '', perAuthor));
  for (const row of rows.getRows()) addTopContent(byAuthor, row);
  return byAuthor;
};

/** readTopContent of every topic of readTouchedParts' tables, in one statement: its touched authors' content rows are all the content rows it holds. */
export const readTouchedTopContent = async (db: DuckDBConnection, tables: string, perAuthor: number): Promise<Map<string, TopContent>> => {
  const rows = await db.runAndReadAll(topContentQuery(`(SELECT * FROM ${tables}_window WHERE kind = 'content')`, 'topic,', perAuthor));
  const byTopic = new Map<string, TopContent>();
  for (const [topic, ...row] of rows.getRows()) {
    const byAuthor = byTopic.get(String(topic)) ?? new Map();
    byTopic.set(String(topic), byAuthor);
    addTopContent(byAuthor, row);
  }
  return byTopic;
};

/** SQL of `(${by} author, content_id, responses)`: the `perAuthor` most answered pieces of content of each author (of each `by`) in `rows`. */
const topContentQuery = (rows: string, by: string, perAuthor: number) => `SELECT ${by} author, content_id, responses FROM (
    SELECT ${by} author, content_id, sum(responses)::BIGINT AS responses FROM ${rows} GROUP BY ${by} author, content_id
  ) QUALIFY row_number() OVER (PARTITION BY ${by} author ORDER BY responses DESC, content_id) <= ${perAuthor}
  ORDER BY ${by} author, responses DESC, content_id`;

const addTopContent = (byAuthor: TopContent, [author, contentId, responses]: readonly unknown[]): void => {
  const list = byAuthor.get(String(author)) ?? [];
  list.push({ contentId: String(contentId), responses: Number(responses) });
  byAuthor.set(String(author), list);
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
export const audienceSketchesQuery = (window: TopicWindow, authors: string | null): string =>
  audienceSketchesOf(windowRows(window, `${AUDIENCE_EDGES} ${authors === null ? '' : `AND author IN (${authors})`}`), '');

const AUDIENCE_EDGES = `kind = 'edge' AND engager IS NOT NULL AND engager <> author`;

/** audienceSketchesQuery over a relation of window rows, per `by` (columns of it, each followed by a comma) too. */
const audienceSketchesOf = (rows: string, by: string): string => `
  SELECT ${by} account, any_value(engagers)::BIGINT AS engagers, list(hash) AS sketch FROM (
    SELECT ${by} author AS account, hash, count(*) OVER (PARTITION BY ${by} author) AS engagers FROM (
      SELECT DISTINCT ${by} author, (md5_number_lower(engager) >> 32)::UINTEGER AS hash FROM ${rows}
    ) QUALIFY row_number() OVER (PARTITION BY ${by} author ORDER BY hash) <= ${AUDIENCE_SKETCH_SIZE}
  ) GROUP BY ${by} account`;

/** A topic's window and the delta files of this run, whose accounts an incremental pass rescores. */
export interface TopicSources {
  key: string;
  window: WindowFiles;
  /** Local files of this run's deltas for the topic (among the window's files, or merged into them). */
  deltas: readonly string[];
}

/** What an incremental pass reads of a topic before it rescores: the accounts touched, and their part of the window and audiences. */
export interface TouchedPart {
  /** Accounts of the topic's deltas (authors and engagers), in name order. */
  touched: string[];
  /** A query of one `account` column: the touched accounts. */
  touchedQuery: string;
  /** The rows of the window in which a touched account is author or engager. */
  window: TopicWindow;
  /** A relation of `(account, engagers, sketch)`: the touched accounts' audiences (audienceSketchesQuery). */
  audiences: string;
}

/**
 * The touched parts of topics' windows, read for all of them at once into temporary tables named
 * `${tables}_touched`, `${tables}_window` and `${tables}_audiences`: for the small topics of an
 * incremental run a statement costs milliseconds whatever its few rows, and a map item holds up to
 * fifty topics, which would otherwise run these statements fifty times. The tables stay until
 * dropTouchedParts or the connection closes.
 */
export const readTouchedParts = async (
  db: DuckDBConnection,
  sources: readonly TopicSources[],
  firstDay: string,
  tables: string,
): Promise<Map<string, TouchedPart>> => {
  // A topic without deltas touches nobody: nothing of it to read.
  const topics = sources.filter((topic) => topic.deltas.length > 0);
  const parts = new Map<string, TouchedPart>(
    sources.map(({ key }) => [
      key,
      {
        touched: [],
        touchedQuery: `SELECT account FROM ${tables}_touched WHERE topic = ${sqlString(key)}`,
        window: { table: `${tables}_window`, topic: key },
        audiences: `(SELECT account, engagers, sketch FROM ${tables}_audiences WHERE topic = ${sqlString(key)})`,
      },
    ]),
  );
  const rowsOf = await topicRowsOf(
    db,
    topics.map(({ key, window }) => ({ key, files: windowFilesOf(window) })),
    tables,
  );
  const empty = emptyTopicRows(firstDay);
  const deltas = topics.flatMap((topic) => topic.deltas);
  // Both ends of every changed row: a new e → a can make an a → e returned, which damps what e earns from a.
  await db.run(`CREATE OR REPLACE TEMP TABLE ${tables}_touched AS
    SELECT DISTINCT topic, account FROM (SELECT topic, unnest([author, engager]) AS account FROM ${deltas.length > 0 ? rowsOf(deltas) : empty})
    WHERE account IS NOT NULL`);
  // Rows of a touched account: by account alone, then, of several topics, by account in its topic
  // (the first is the cheap test, and leaves few rows to the second).
  const touchedAs = (...columns: string[]) => {
    const byAccount = columns.map((column) => `w.${column} IN (SELECT account FROM ${tables}_touched)`).join(' OR ');
    if (topics.length === 1) return `(${byAccount})`;
    const inTopic = columns.map((column) => `EXISTS (SELECT 1 FROM ${tables}_touched t WHERE t.topic = w.topic AND t.account = w.${column})`).join(' OR ');
    return `(${byAccount}) AND (${inTopic})`;
  };
  const files = topics.flatMap(({ window }) => windowFilesOf(window));
  const rows = `${files.length > 0 ? rowsOf(files) : empty} w`;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${tables}_window AS ${summedRows(rows, `day >= DATE ${sqlString(firstDay)} AND ${touchedAs('author', 'engager')}`, 'topic,')}`,
  );
  const touchedEdges = `(SELECT * FROM ${tables}_window w WHERE ${AUDIENCE_EDGES} AND ${touchedAs('author')})`;
  await db.run(`CREATE OR REPLACE TEMP TABLE ${tables}_audiences AS ${audienceSketchesOf(touchedEdges, 'topic,')}`);
  for (const [topic, account] of (await db.runAndReadAll(`SELECT topic, account FROM ${tables}_touched ORDER BY topic, account`)).getRows())
    parts.get(String(topic))?.touched.push(String(account));
  return parts;
};

/**
 * SQL of the rows of some of these topics' files, each row with the topic its file is of: the
 * files are listed with their topics in `${tables}_files` (a topic alone needs no lookup).
 */
const topicRowsOf = async (
  db: DuckDBConnection,
  topics: readonly { key: string; files: readonly string[] }[],
  tables: string,
): Promise<(files: readonly string[]) => string> => {
  const [only] = topics;
  if (topics.length <= 1)
    return (files) => `(SELECT ${sqlString(only?.key ?? '')} AS topic, ${WINDOW_COLUMNS} FROM read_parquet(${sqlFiles(files)}, union_by_name = true))`;
  await db.run(`CREATE OR REPLACE TEMP TABLE ${tables}_files (filename VARCHAR, topic VARCHAR)`);
  const appender = await db.createAppender(`${tables}_files`);
  for (const { key, files } of topics)
    for (const file of files) {
      appender.appendVarchar(file);
      appender.appendVarchar(key);
      appender.endRow();
    }
  appender.closeSync();
  return (files) =>
    `(SELECT f.topic, ${WINDOW_COLUMNS} FROM read_parquet(${sqlFiles(files)}, union_by_name = true, filename = true) JOIN ${tables}_files f USING (filename))`;
};

const emptyTopicRows = (firstDay: string): string =>
  `(SELECT NULL::VARCHAR AS topic, ${WINDOW_COLUMNS} FROM ${windowRows({ merged: null, deltas: [], firstDay })})`;

/** A topic's part of mergeTopicWindows' tables: its rows of the merged window, and its authors' audiences. */
export interface MergedWindow {
  window: TopicWindow;
  /** A relation of `(account, engagers, sketch)` (audienceSketchesQuery). */
  audiences: string;
}

/**
 * mergeTopicWindow of each of a full pass's topics, at once: their merged rows, with their topic,
 * into `${tables}_window` (lib/app/recompute/topic-files.ts writes each topic's file from there), and their authors'
 * audiences (audienceSketchesQuery) into `${tables}_audiences`. As with readTouchedParts, a
 * statement per small topic costs more than its rows; the tables stay until dropTouchedParts.
 */
export const mergeTopicWindows = async (
  db: DuckDBConnection,
  topics: readonly { key: string; window: WindowFiles }[],
  { firstDay, withoutDigests }: Pick<WindowMerge, 'firstDay' | 'withoutDigests'>,
  tables: string,
): Promise<Map<string, MergedWindow>> => {
  const withFiles = topics.map(({ key, window }) => ({ key, files: windowFilesOf(window) }));
  const rowsOf = await topicRowsOf(db, withFiles, tables);
  const files = withFiles.flatMap((topic) => topic.files);
  const merged = files.length > 0 ? `(${summedRows(rowsOf(files), `day >= DATE ${sqlString(firstDay)}`, 'topic,')})` : emptyTopicRows(firstDay);
  await db.run(`CREATE OR REPLACE TEMP TABLE ${tables}_window AS WITH merged AS ${merged} ${withoutAccountsOf(withoutDigests)}`);
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${tables}_audiences AS ${audienceSketchesOf(`(SELECT * FROM ${tables}_window WHERE ${AUDIENCE_EDGES})`, 'topic,')}`,
  );
  return new Map(
    topics.map(({ key }) => [
      key,
      {
        window: { table: `${tables}_window`, topic: key },
        audiences: `(SELECT account, engagers, sketch FROM ${tables}_audiences WHERE topic = ${sqlString(key)})`,
      },
    ]),
  );
};

/** Drops the tables of readTouchedParts. */
export const dropTouchedParts = async (db: DuckDBConnection, tables: string): Promise<void> => {
  for (const table of ['files', 'touched', 'window', 'audiences']) await db.run(`DROP TABLE IF EXISTS ${tables}_${table}`);
};

const windowFilesOf = (window: WindowFiles): string[] => [...(window.merged ? [window.merged] : []), ...window.deltas];

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
