/**
 * A seeded synthetic world written straight into the interaction log, for the scale benchmarks:
 * `interactions` over the 90-day window by `accounts` accounts in `topics` topics whose sizes follow
 * Zipf's law (topic k holds a share ∝ 1/k), each interaction in one topic. Popularity is heavy
 * tailed: an engagement's author is drawn as ⌊accounts · u³⌋ through a permutation of the accounts
 * of its own per topic (so each topic has its own stars: the top 1,000 of a topic take 10% of it,
 * the top 10 about 2%), its engager as ⌊accounts · u²⌋ through one permutation shared by all topics
 * (the busiest 1% of accounts do 10% of the engaging). 5% are posts (with a handle sighting),
 * 50% likes, 15% shares, 15% replies, 5% quotes, 10% mentions; replies, quotes and posts are
 * content themselves and every engagement names the post it answers (one of its author's 20).
 *
 * DuckDB writes the rows as Parquet, with the log's own columns (lib/app/log/log-rows.ts), into the
 * log's layout (lib/app/log/layout.ts): `log/day=YYYY-MM-DD/<uuid>.parquet`, the day being the one each
 * interaction happened (and, here, was received) on. Randomness is a hash of the row number and
 * the seed, so the same arguments write the same rows, whatever the number of threads.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../lib/adapters/duckdb/duckdb';
import { LOG_COLUMNS, type LogRow } from '../../lib/app/log/log-rows';

export interface WorldShape {
  interactions: number;
  accounts: number;
  topics: number;
  seed: number;
  /** Days back from `now` the interactions are spread over (the window is 90). */
  days: number;
  now: Date;
}

export const TEN_MILLION_WORLD = { interactions: 10_000_000, accounts: 1_000_000, topics: 1_000, seed: 42, days: 89 } as const;

export const NETWORK = 'x';
export const topicName = (rank: number): string => `t${String(rank).padStart(4, '0')}`;

/** Odd multipliers below 2^31: (r · a + b) mod accounts permutes the accounts when gcd(a, accounts) = 1. */
const AUTHOR_MULTIPLIER = 7_919;
const ENGAGER_MULTIPLIER = 104_729;
const TOPIC_BUCKETS = 1 << 20;

/**
 * The rows numbered [first, first + count) of the world, as a SQL query with the log's columns and
 * a `day` column; `spreadSeconds` back from `now` (0: all at `now`).
 */
export const worldQuery = (shape: WorldShape, first: number, count: number, spreadSeconds: number): string => {
  const { accounts, topics, seed } = shape;
  // A uniform in [0, 1) per row and stream k, from a hash of (row, seed, k).
  const u = (k: number) => `((hash(i, ${seed}, ${k}) >> 11)::DOUBLE / 9007199254740992.0)`;
  const nowSeconds = Math.floor(shape.now.getTime() / 1000);
  const id = (expression: string) => `'${NETWORK}:u' || (${expression})::VARCHAR`;
  return `
    WITH zipf AS (
      SELECT k AS topic, ['t' || lpad(k::VARCHAR, 4, '0')] AS topics, sum(1.0 / k) OVER (ORDER BY k) / sum(1.0 / k) OVER () AS upto FROM range(1, ${topics + 1}) t(k)
    ), buckets AS (
      -- Zipf's inverse CDF in ${TOPIC_BUCKETS} steps: a hash join, where an ASOF join per row costs seconds.
      SELECT b.bucket, z.topic, z.topics FROM (SELECT bucket, (bucket + 0.5) / ${TOPIC_BUCKETS} AS q FROM range(${TOPIC_BUCKETS}) t(bucket)) b ASOF JOIN zipf z ON z.upto >= b.q
    ), drawn AS (
      SELECT i, floor(${u(1)} * ${TOPIC_BUCKETS})::BIGINT AS bucket, ${u(2)} AS u_author, ${u(3)} AS u_engager, ${u(4)} AS u_type, ${u(5)} AS u_time, ${u(6)} AS u_post
      FROM range(${first}, ${first + count}) r(i)
    ), placed AS (
      SELECT d.*, b.topic, b.topics FROM drawn d JOIN buckets b USING (bucket)
    ), rows AS (
      SELECT i, topic, topics,
        ((floor(${accounts} * u_author ^ 3)::BIGINT * ${AUTHOR_MULTIPLIER} + topic * 1_000_003) % ${accounts}) AS author,
        ((floor(${accounts} * u_engager ^ 2)::BIGINT * ${ENGAGER_MULTIPLIER} + 17) % ${accounts}) AS engager,
        CASE WHEN u_type < 0.05 THEN 'post' WHEN u_type < 0.55 THEN 'like' WHEN u_type < 0.70 THEN 'share'
             WHEN u_type < 0.85 THEN 'reply' WHEN u_type < 0.90 THEN 'quote' ELSE 'mention' END AS type,
        floor(u_post ^ 2 * 20)::INTEGER AS post,
        make_timestamp((${nowSeconds} - floor(u_time * ${spreadSeconds})::BIGINT) * 1000000) AS happened_at
      FROM placed
    )
    SELECT
      'interaction' AS kind,
      '${NETWORK}' AS network,
      'w${seed}-' || i::VARCHAR AS id,
      type,
      CASE WHEN type = 'post' THEN ${id('author')} ELSE ${id('engager')} END AS actor,
      CASE WHEN type = 'post' THEN 'u' || author::VARCHAR || '.example' END AS actor_handle,
      CASE WHEN type = 'post' THEN NULL ELSE ${id('author')} END AS target,
      NULL::VARCHAR AS target_handle,
      CASE WHEN type IN ('post', 'reply', 'quote') THEN 'c${seed}-' || i::VARCHAR END AS content_id,
      CASE WHEN type = 'post' THEN NULL ELSE 'p' || author::VARCHAR || '-' || post::VARCHAR END AS parent_content_id,
      topics,
      happened_at,
      NULL::VARCHAR AS handle,
      happened_at::DATE AS day
    FROM rows`;
};

const columnList = LOG_COLUMNS.map(([name]) => name).join(', ');

/** Writes the world into the log under `root` (an object store folder); returns the files' bytes. */
export const writeWorld = async (db: DuckDBConnection, root: string, shape: WorldShape): Promise<void> => {
  mkdirSync(join(root, 'log'), { recursive: true });
  await db.run(`COPY (SELECT ${columnList}, day FROM (${worldQuery(shape, 0, shape.interactions, shape.days * 86_400)}))
    TO ${sqlString(join(root, 'log'))} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (day), FILENAME_PATTERN '{uuid}', OVERWRITE_OR_IGNORE true)`);
};

/**
 * `count` more interactions of the same world, drawn the same way, the `batch`-th such batch after
 * the world's own, all happening at `at`: as log rows, for the log's own writer.
 */
export const moreOfTheWorld = async (db: DuckDBConnection, shape: WorldShape, count: number, batch: number, at: Date): Promise<LogRow[]> => {
  const reader = await db.runAndReadAll(`SELECT ${columnList} FROM (${worldQuery({ ...shape, now: at }, shape.interactions + batch * count, count, 0)})`);
  return reader.getRowObjectsJS().map((row) => ({
    kind: 'interaction',
    network: String(row.network),
    id: String(row.id),
    type: String(row.type),
    actor: String(row.actor),
    actorHandle: row.actor_handle === null ? null : String(row.actor_handle),
    target: row.target === null ? null : String(row.target),
    targetHandle: null,
    contentId: row.content_id === null ? null : String(row.content_id),
    parentContentId: row.parent_content_id === null ? null : String(row.parent_content_id),
    topics: (row.topics as string[]).map(String),
    at: (row.happened_at as Date).getTime(),
    handle: null,
  }));
};
