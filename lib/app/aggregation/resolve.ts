/**
 * Reads new log objects against the committed state and says what they change: the new state of
 * every interaction id they touch (and of those a content deletion or a newly known content topic
 * touches), and the per-topic daily aggregates that change, as deltas. All in DuckDB, out of core.
 *
 * The rules, applied whatever the order of arrival (CONTRACT §2, docs/NETWORKS.md "Retractions"):
 * - Copies of an interaction `(network, id)` count once: the earliest by `occurredAt` (then by log
 *   object and row) among the copies that happened after its latest retraction, if any.
 * - A retraction of an id takes out every copy up to its time; a copy after it counts again.
 * - A deleted piece of content (`retract-content`) takes out every interaction with that
 *   `contentId`, before or after, for good.
 * - An interaction without topics of its own takes those of the content it engages with: the
 *   topics of the earliest interaction that carried that `contentId` with topics of its own.
 * - Self-interactions count nowhere. Every interaction counts in the overall pseudo-topic `*`.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlFiles, sqlString, PARQUET_ZSTD } from '../../adapters/duckdb/duckdb';
import { OVERALL_TOPIC } from '../../adapters/dynamodb/keys';

/** Columns of a topic's aggregates, as deltas and as windows. */
export const AGGREGATE_COUNTERS = ['n_reply', 'n_quote', 'n_share', 'n_like', 'n_mention', 'n_follow', 'posts', 'responses'] as const;

/** Files of the committed state the resolution reads. */
export interface ResolutionState {
  index: readonly string[];
  content: readonly string[];
}

/** Where the resolution writes what it found (local files; the caller publishes them). */
export interface ResolutionOutput {
  index: string;
  content: string;
  handles: string;
  /** A folder: the deltas, partitioned by topic key (`tk=<key>/…`). */
  deltas: string;
}

export interface ResolutionSummary {
  rows: number;
  /** Ids whose state changed. */
  changedIds: number;
  /** How many more interactions count than before (negative when retractions took more out). */
  countedChange: number;
  /** The same change by the day the interactions occurred (YYYY-MM-DD), days without one left out. */
  countedByDay: Record<string, number>;
  /** Topics with a non-zero delta, as topic keys. */
  topics: string[];
  /** Delta rows of each of those topics (what the topic's work grows with, beside its window). */
  deltaRows: Record<string, number>;
}

/** The folder name of a topic: slugs as they are, the overall pseudo-topic as `_all` (no slug starts with `_`). */
export const topicKeyOf = (topic: string): string => (topic === OVERALL_TOPIC ? '_all' : topic);
export const topicOfKey = (key: string): string => (key === '_all' ? OVERALL_TOPIC : key);

const KEY = `network || chr(31) || id`;
/** Where a row came from, as a string that orders as (log object, row). */
const SOURCE = `obj || '#' || lpad(row::VARCHAR, 12, '0')`;

const ENGAGEMENT_TYPES = ['reply', 'quote', 'share', 'like', 'mention', 'follow'] as const;

/**
 * SQL of the deltas that state rows make to the aggregates, signed (`sign`: +1 a new state, -1 an
 * old one): posts by (topic, day, author), engagements by (topic, day, author, engager), responses
 * by (topic, day, author, content), each kind summed by its own key, none all zero. Three narrow
 * groupings rather than one over every column: the first run of a 10 M world groups millions of
 * rows (docs/SCALING.md).
 */
const deltasOf = (source: string): string => `
  WITH s AS (
    SELECT type, actor, target, parent_content_id, sign, occurred_at::DATE AS day, unnest(list_concat(['${OVERALL_TOPIC}'], topics)) AS topic
    FROM ${source} WHERE counted
  ), engagements AS (SELECT * FROM s WHERE type <> 'post' AND target IS NOT NULL AND target <> actor)
  SELECT topic, 'post' AS kind, day, actor AS author, NULL::VARCHAR AS engager, NULL::VARCHAR AS content_id,
         0 AS n_reply, 0 AS n_quote, 0 AS n_share, 0 AS n_like, 0 AS n_mention, 0 AS n_follow, sum(sign)::INTEGER AS posts, 0 AS responses
    FROM s WHERE type = 'post' GROUP BY topic, day, actor HAVING sum(sign) <> 0
  UNION ALL
  SELECT topic, 'edge', day, target, actor, NULL, ${ENGAGEMENT_TYPES.map((type) => `sum(sign * (type = '${type}')::INT)::INTEGER`).join(', ')}, 0, 0
    FROM engagements GROUP BY topic, day, target, actor
    HAVING ${ENGAGEMENT_TYPES.map((type) => `sum(sign * (type = '${type}')::INT) <> 0`).join(' OR ')}
  UNION ALL
  SELECT topic, 'content', day, target, NULL, parent_content_id, 0, 0, 0, 0, 0, 0, 0, sum(sign)::INTEGER
    FROM engagements WHERE parent_content_id IS NOT NULL GROUP BY topic, day, target, parent_content_id HAVING sum(sign) <> 0`;

const readOr = (files: readonly string[], empty: string): string => (files.length > 0 ? `read_parquet(${sqlFiles(files)}, union_by_name = true)` : empty);

const EMPTY_INDEX = `(SELECT NULL::VARCHAR AS "k", NULL::VARCHAR AS "network", NULL::VARCHAR AS "id", NULL::VARCHAR AS "status", NULL::VARCHAR AS "type",
  NULL::VARCHAR AS "actor", NULL::VARCHAR AS "target", NULL::VARCHAR AS "content_id", NULL::VARCHAR AS "parent_content_id", NULL::VARCHAR[] AS "own_topics",
  NULL::VARCHAR[] AS "topics", NULL::TIMESTAMP AS "occurred_at", NULL::TIMESTAMP AS "retracted_at", NULL::VARCHAR AS "obj", NULL::BIGINT AS "row", NULL::VARCHAR AS "version" WHERE false)`;
const EMPTY_CONTENT = `(SELECT NULL::VARCHAR AS "network", NULL::VARCHAR AS "content_id", NULL::VARCHAR[] AS "topics", NULL::TIMESTAMP AS "topics_at",
  NULL::VARCHAR AS "topics_source", NULL::TIMESTAMP AS "retracted_at", NULL::VARCHAR AS "version" WHERE false)`;

/**
 * Resolves `logFiles` against `state`, writing the new index rows, content state, handle sightings
 * and per-topic deltas to `output`, all stamped with `version` (later versions win).
 */
export const resolveLog = async (
  db: DuckDBConnection,
  logFiles: readonly string[],
  state: ResolutionState,
  output: ResolutionOutput,
  version: string,
): Promise<ResolutionSummary> => {
  const run = (sql: string) => db.run(sql);
  const v = sqlString(version);
  await run(`CREATE OR REPLACE TEMP TABLE raw AS
    SELECT kind, network, id, ${KEY} AS k, type, actor, actor_handle, target, target_handle, content_id, parent_content_id,
           coalesce(topics, []::VARCHAR[]) AS topics, happened_at, handle, parse_filename(filename) AS obj, file_row_number AS row
    FROM read_parquet(${sqlFiles(logFiles)}, filename = true, file_row_number = true)`);
  await run(`CREATE OR REPLACE TEMP VIEW index_all AS SELECT * FROM ${readOr(state.index, EMPTY_INDEX)}`);
  await run(`CREATE OR REPLACE TEMP VIEW content_all AS SELECT * FROM ${readOr(state.content, EMPTY_CONTENT)}`);

  const latestIndex = (where: string) => `SELECT * EXCLUDE (rn) FROM (
      SELECT i.*, row_number() OVER (PARTITION BY i.k ORDER BY i.version DESC) AS rn FROM index_all i WHERE ${where}
    ) WHERE rn = 1`;
  const latestContent = (wanted: string) => `SELECT * EXCLUDE (rn) FROM (
      SELECT c.*, row_number() OVER (PARTITION BY c.network, c.content_id ORDER BY c.version DESC) AS rn
      FROM content_all c SEMI JOIN (${wanted}) m ON c.network = m.network AND c.content_id = m.content_id
    ) WHERE rn = 1`;
  // The committed state of every id the log touches.
  await run(`CREATE OR REPLACE TEMP TABLE touched AS ${latestIndex(`i.k IN (SELECT k FROM raw WHERE kind IN ('interaction', 'retract'))`)}`);
  // The committed state of the content those ids speak of: as content, or as the parent of a reaction.
  await run(
    `CREATE OR REPLACE TEMP TABLE content_prior AS ${latestContent(`
        SELECT network, content_id FROM raw WHERE content_id IS NOT NULL
        UNION SELECT network, parent_content_id FROM raw WHERE parent_content_id IS NOT NULL
        UNION SELECT network, content_id FROM touched WHERE content_id IS NOT NULL
        UNION SELECT network, parent_content_id FROM touched WHERE parent_content_id IS NOT NULL`)}`,
  );
  // What the log teaches about content: topics (the earliest interaction carrying them) and deletions.
  await run(`CREATE OR REPLACE TEMP TABLE content_new AS
    WITH taught AS (
      SELECT network, content_id, topics, happened_at AS topics_at, ${SOURCE} AS topics_source
      FROM raw WHERE kind = 'interaction' AND content_id IS NOT NULL AND len(topics) > 0
      QUALIFY row_number() OVER (PARTITION BY network, content_id ORDER BY happened_at, obj, row) = 1
    ), deleted AS (
      SELECT network, content_id, min(happened_at) AS retracted_at FROM raw WHERE kind = 'retract-content' GROUP BY ALL
    ), candidates AS (
      SELECT network, content_id, topics, topics_at, topics_source, retracted_at FROM content_prior
      UNION ALL SELECT network, content_id, topics, topics_at, topics_source, NULL FROM taught
      UNION ALL SELECT network, content_id, NULL, NULL, NULL, retracted_at FROM deleted
    )
    SELECT network, content_id,
           arg_min(topics, (topics_at, topics_source)) FILTER (WHERE topics IS NOT NULL) AS topics,
           min(topics_at) AS topics_at,
           arg_min(topics_source, (topics_at, topics_source)) FILTER (WHERE topics IS NOT NULL) AS topics_source,
           min(retracted_at) AS retracted_at
    FROM candidates GROUP BY ALL`);
  // Content whose topics or deletion changed: its reactions may count in other topics now, or not at all.
  await run(`CREATE OR REPLACE TEMP TABLE content_changed AS
    SELECT n.* FROM content_new n LEFT JOIN content_prior p USING (network, content_id)
    WHERE p.content_id IS NULL OR p.topics_source IS DISTINCT FROM n.topics_source OR p.retracted_at IS DISTINCT FROM n.retracted_at`);
  // The committed state of every id concerned: touched, or touched by a change of its content.
  // The ids are first narrowed from a few columns by content id alone: DuckDB evaluates the whole
  // rule (two correlated EXISTS joined by OR) slowly, and over every column of the index — the
  // longest statement of a run at ten million interactions (docs/SCALING.md).
  await run(`CREATE OR REPLACE TEMP TABLE prior AS
    WITH reached AS (
      SELECT DISTINCT k FROM (SELECT k, content_id, parent_content_id, len(own_topics) AS own_topic_count FROM index_all)
      WHERE content_id IN (SELECT content_id FROM content_changed WHERE retracted_at IS NOT NULL)
         OR (own_topic_count = 0 AND parent_content_id IN (SELECT content_id FROM content_changed))
    )
    SELECT * FROM touched
    UNION ALL ${latestIndex(`i.k IN (SELECT k FROM reached) AND i.k NOT IN (SELECT k FROM touched) AND (
         EXISTS (SELECT 1 FROM content_changed c WHERE c.network = i.network AND c.content_id = i.content_id AND c.retracted_at IS NOT NULL)
      OR (len(i.own_topics) = 0 AND EXISTS (SELECT 1 FROM content_changed c WHERE c.network = i.network AND c.content_id = i.parent_content_id)))`)}`);
  // The content state every concerned id needs: what the log taught, else what was committed.
  await run(`CREATE OR REPLACE TEMP TABLE content_state AS
    WITH needed AS (
      SELECT network, content_id FROM prior WHERE content_id IS NOT NULL
      UNION SELECT network, parent_content_id FROM prior WHERE parent_content_id IS NOT NULL
    ), known AS (SELECT network, content_id, topics, retracted_at FROM content_new)
    SELECT * FROM known
    UNION ALL SELECT network, content_id, topics, retracted_at FROM (${latestContent(`SELECT * FROM needed`)}) c
      WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.network = c.network AND k.content_id = c.content_id)`);

  await run(`CREATE OR REPLACE TEMP TABLE retracted_until AS
    SELECT k, max(happened_at) AS until FROM (
      SELECT k, happened_at FROM raw WHERE kind = 'retract' UNION ALL SELECT k, retracted_at FROM prior WHERE retracted_at IS NOT NULL
    ) GROUP BY k`);
  // Every copy of the ids concerned, and whether it counts: it happened after the id's latest
  // retraction, and its content was not deleted.
  await run(`CREATE OR REPLACE TEMP TABLE copies AS
    SELECT c.*, r.until AS retracted_at, (r.until IS NULL OR c.occurred_at > r.until) AND cs.retracted_at IS NULL AS counts FROM (
      SELECT k, network, id, type, actor, target, content_id, parent_content_id, topics AS own_topics, happened_at AS occurred_at, obj, row
        FROM raw WHERE kind = 'interaction'
      UNION ALL
      SELECT k, network, id, type, actor, target, content_id, parent_content_id, own_topics, occurred_at, obj, row
        FROM prior WHERE status <> 'tombstone'
    ) c
    LEFT JOIN retracted_until r USING (k)
    LEFT JOIN content_state cs ON cs.network = c.network AND cs.content_id = c.content_id`);
  // The copy each id keeps: the earliest that counts, else (retracted) its first. Only ids with more
  // than one copy need ordering: a window over every copy was the longest statement of a first run.
  await run(`CREATE OR REPLACE TEMP TABLE repeated AS SELECT k FROM copies GROUP BY k HAVING count(*) > 1`);
  // The new state of every id concerned; a reaction without topics of its own takes its parent's.
  const resolved = `
    WITH kept AS (
      SELECT * FROM copies ANTI JOIN repeated USING (k)
      UNION ALL
      SELECT * FROM (SELECT * FROM copies SEMI JOIN repeated USING (k))
        QUALIFY row_number() OVER (PARTITION BY k ORDER BY counts DESC, occurred_at, obj, row) = 1
    )
    SELECT kept.k, kept.network, kept.id, CASE WHEN counts THEN 'counted' ELSE 'retracted' END AS status,
           kept.type, kept.actor, kept.target, kept.content_id, kept.parent_content_id, kept.own_topics,
           CASE WHEN len(kept.own_topics) > 0 THEN kept.own_topics ELSE coalesce(parent.topics, []::VARCHAR[]) END AS topics,
           kept.occurred_at, kept.retracted_at, kept.obj, kept.row, ${v} AS version, kept.counts AS counted
    FROM kept
    LEFT JOIN content_state parent ON parent.network = kept.network AND parent.content_id = kept.parent_content_id
    UNION ALL
    -- Retracted before any copy arrived: a tombstone holds the retraction for copies that come later.
    SELECT k, network, id, 'tombstone', NULL, NULL, NULL, NULL, NULL, []::VARCHAR[], []::VARCHAR[], NULL, r.until, NULL, NULL, ${v}, false
    FROM (SELECT DISTINCT k, network, id FROM raw WHERE kind = 'retract') ANTI JOIN copies USING (k) LEFT JOIN retracted_until r USING (k)`;
  // Only what changed is written: a plain duplicate leaves its id's state as it was.
  await run(`CREATE OR REPLACE TEMP TABLE changed AS
    SELECT r.* FROM (${resolved}) r LEFT JOIN prior p USING (k)
    WHERE p.k IS NULL OR r.status <> p.status OR r.topics <> p.topics OR r.occurred_at IS DISTINCT FROM p.occurred_at
       OR r.retracted_at IS DISTINCT FROM p.retracted_at OR r.obj IS DISTINCT FROM p.obj`);
  // Tables nothing below reads go as soon as they are done with: at millions of rows each holds gigabytes.
  const drop = async (...names: string[]) => {
    for (const name of names) await run(`DROP TABLE IF EXISTS ${name}`);
  };
  await drop('copies', 'retracted_until', 'repeated', 'content_state', 'touched', 'content_prior', 'content_new');
  await run(`COPY (SELECT * EXCLUDE (counted) FROM changed) TO ${sqlString(output.index)} (${PARQUET_ZSTD})`);
  await run(`COPY (SELECT *, ${v} AS version FROM content_changed ORDER BY network, content_id) TO ${sqlString(output.content)} (${PARQUET_ZSTD})`);
  await run(`COPY (
      SELECT account, handle, seen_at, claimed, ${v} AS version FROM (
        SELECT actor AS account, handle, happened_at AS seen_at, true AS claimed FROM raw WHERE kind = 'handle'
        UNION ALL SELECT actor, actor_handle, happened_at, false FROM raw WHERE kind = 'interaction' AND actor_handle IS NOT NULL
        UNION ALL SELECT target, target_handle, happened_at, false FROM raw WHERE kind = 'interaction' AND target_handle IS NOT NULL
      ) QUALIFY row_number() OVER (PARTITION BY account ORDER BY claimed DESC, CASE WHEN claimed THEN seen_at ELSE seen_at::DATE END DESC, handle DESC) = 1
    ) TO ${sqlString(output.handles)} (${PARQUET_ZSTD})`);
  const rawRows = Number((await db.runAndReadAll(`SELECT count(*) FROM raw`)).getRows()[0]![0]);
  await drop('raw', 'content_changed');

  // The deltas: what the new states contribute, less what the old ones did.
  await run(
    `CREATE OR REPLACE TEMP TABLE deltas AS ${deltasOf(`(
      SELECT type, actor, target, parent_content_id, occurred_at, topics, counted, 1 AS sign FROM changed
      UNION ALL
      SELECT type, actor, target, parent_content_id, occurred_at, topics, status = 'counted', -1 FROM prior WHERE k IN (SELECT k FROM changed))`)}`,
  );
  await run(`COPY (SELECT CASE topic WHEN '${OVERALL_TOPIC}' THEN '_all' ELSE topic END AS tk, * FROM deltas)
    TO ${sqlString(output.deltas)} (${PARQUET_ZSTD}, PARTITION_BY (tk), OVERWRITE_OR_IGNORE true)`);

  const deltaRowsByTopic = `(SELECT CASE topic WHEN '${OVERALL_TOPIC}' THEN '_all' ELSE topic END AS tk, count(*) AS n FROM deltas GROUP BY 1)`;
  const reader = await db.runAndReadAll(`SELECT (SELECT count(*) FROM changed) AS changed,
    (SELECT list(tk ORDER BY tk) FROM ${deltaRowsByTopic}) AS topics,
    (SELECT list(n ORDER BY tk) FROM ${deltaRowsByTopic}) AS topic_rows`);
  const [changedIds, topics, topicRows] = reader.getRows()[0]!;
  // Counted interactions by the day they occurred: the new states that count, less the old ones that did.
  const countedByDay = (
    await db.runAndReadAll(`SELECT occurred_at::DATE::VARCHAR AS day, sum(change)::BIGINT AS change FROM (
        SELECT occurred_at, 1 AS change FROM changed WHERE counted
        UNION ALL SELECT occurred_at, -1 FROM prior WHERE status = 'counted' AND k IN (SELECT k FROM changed)
      ) GROUP BY day HAVING sum(change) <> 0`)
  )
    .getRows()
    .map(([day, change]) => [String(day), Number(change)] as const);
  await drop('prior', 'changed', 'deltas');
  const keys = listOf(topics).map(String);
  const rows = listOf(topicRows).map(Number);
  return {
    rows: rawRows,
    changedIds: Number(changedIds),
    countedChange: countedByDay.reduce((sum, [, change]) => sum + change, 0),
    countedByDay: Object.fromEntries(countedByDay),
    topics: keys,
    deltaRows: Object.fromEntries(keys.map((key, i) => [key, rows[i]!])),
  };
};

const listOf = (value: unknown): unknown[] => (value as { items?: unknown[] } | null)?.items ?? [];
