/**
 * Everything a service holds about a replay, read the way its users and its recompute read it:
 * the committed state of the recompute (the resolved state of every interaction id, the content
 * state, every topic's window of daily aggregates), which interactions are marked applied, stats,
 * every leaderboard page (overall, per topic, per network), the topic list, every account, the
 * explanations of each topic's leaders. Run ids, versions, log object names and timestamps are left
 * out, so two services can be compared. And the interaction log itself, object by object.
 */
import { sqlFiles, withDuckDb } from '../../lib/adapters/duckdb/duckdb';
import type { ObjectStore } from '../../lib/adapters/object-store/object-store';
import { windowRows } from '../../lib/app/aggregation/topic-window';
import { MANIFEST_KEY, windowFilesOf, type Manifest } from '../../lib/app/recompute/run-state';
import type { InProcessSway } from './in-process-sway';
import type { Replay } from './replay';

const PAGE = 100;
const EXPLAINED_PER_TOPIC = 10;

const withoutTimestamps = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutTimestamps);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !['computedAt', 'startedAt', 'finishedAt', 'runId', 'lastRun'].includes(key))
        .map(([key, child]) => [key, withoutTimestamps(child)]),
    );
  }
  return value;
};

/** DuckDB's JSON rows, sorted, as plain values. */
const rowsOf = async (sql: string): Promise<Record<string, unknown>[]> =>
  withDuckDb(async (db) => (await db.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[]);

const manifestOf = async (objects: ObjectStore): Promise<Manifest | null> => {
  const bytes = await objects.get(MANIFEST_KEY);
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as Manifest) : null;
};

/**
 * The committed state of the recompute: each interaction id's latest resolved state, each piece of
 * content's, and each topic's window — without what names a run or a log object (which copy of an
 * interaction counts is decided by object name among equal times: the same interaction either way).
 */
export const committedState = async (objects: ObjectStore) => {
  const manifest = await manifestOf(objects);
  if (!manifest) return null;
  const latest = async (keys: string[], partition: string, drop: string) => {
    const files = await objects.localPaths(keys);
    if (files.length === 0) return [];
    return rowsOf(`SELECT * EXCLUDE (${drop}) FROM (
        SELECT *, row_number() OVER (PARTITION BY ${partition} ORDER BY version DESC) AS rn FROM read_parquet(${sqlFiles(files)}, union_by_name = true)
      ) WHERE rn = 1 ORDER BY ${partition}`);
  };
  const windows: Record<string, unknown> = {};
  for (const [key, topic] of Object.entries(manifest.topics).sort(([a], [b]) => (a < b ? -1 : 1))) {
    // A window as its readers see it: its merged file with the deltas not merged into it, summed.
    const [merged, ...deltas] = topic.head ? await objects.localPaths(windowFilesOf(topic.head)) : [];
    windows[key] = {
      pending: topic.pending.length,
      scoredAccounts: topic.head?.scoredAccounts ?? null,
      rows: merged ? await rowsOf(`SELECT * FROM ${windowRows({ merged, deltas, firstDay: '1970-01-01' })} ORDER BY ALL`) : null,
    };
  }
  return {
    index: await latest(manifest.index, 'k', 'rn, obj, "row", version'),
    content: await latest(manifest.content, 'network, content_id', 'rn, topics_source, version'),
    windows,
  };
};

export interface LogRowRef {
  /** The log object (one per applied queue message). */
  object: string;
  kind: string;
  network: string;
  id: string | null;
}

/** Every row of the interaction log, with the object it is in. */
export const logRows = async (objects: ObjectStore): Promise<LogRowRef[]> => {
  const keys = await objects.list('log/');
  const files = await objects.localPaths(keys);
  if (files.length === 0) return [];
  const objectOf = new Map(files.map((file, i) => [file, keys[i]!]));
  const rows = await rowsOf(`SELECT filename, kind, network, id FROM read_parquet(${sqlFiles(files)}, filename = true) ORDER BY ALL`);
  return rows.map((row) => ({
    object: objectOf.get(String(row.filename)) ?? String(row.filename),
    kind: String(row.kind),
    network: String(row.network),
    id: row.id === null ? null : String(row.id),
  }));
};

/** How many log rows each interaction (`network:id`) has, and in how many objects. */
export const copiesInLog = (rows: readonly LogRowRef[], kind = 'interaction'): Map<string, { rows: number; objects: Set<string> }> => {
  const copies = new Map<string, { rows: number; objects: Set<string> }>();
  for (const row of rows) {
    if (row.kind !== kind || row.id === null) continue;
    const key = `${row.network}:${row.id}`;
    const entry = copies.get(key) ?? { rows: 0, objects: new Set<string>() };
    entry.rows++;
    entry.objects.add(row.object);
    copies.set(key, entry);
  }
  return copies;
};

export const observedState = async (sway: InProcessSway, world: Replay) => {
  const get = async (url: string): Promise<unknown> => {
    const answer = await sway.request({ method: 'GET', url });
    return answer.status === 200 ? withoutTimestamps(JSON.parse(answer.body)) : answer.status;
  };
  const allPages = async (path: string, query = ''): Promise<unknown[]> => {
    const items: unknown[] = [];
    let cursor: string | null = null;
    do {
      const answer = await sway.request({ method: 'GET', url: `${path}?limit=${PAGE}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}` });
      if (answer.status !== 200) return [answer.status];
      const page = JSON.parse(answer.body) as { items: unknown[]; nextCursor: string | null };
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  };
  const boardsOf = async (path: string) => ({
    all: await allPages(path),
    ...Object.fromEntries(await Promise.all(['x', 'mastodon'].map(async (network) => [network, await allPages(path, `&network=${network}`)]))),
  });

  const stats = withoutTimestamps(JSON.parse((await sway.admin('GET', '/v1/admin/stats')).body));
  const applied = [...(await sway.stores.ingest.appliedInteractions(world.interactions.map(({ network, id }) => ({ network, id }))))].sort();
  const topicList = await allPages('/v1/topics');
  const topics = (topicList as { topic: string }[]).map((entry) => entry.topic).sort();
  const leaderboards: Record<string, unknown> = { '*': await boardsOf('/v1/leaderboard') };
  const explanations: Record<string, unknown> = {};
  for (const topic of topics) {
    const board = await boardsOf(`/v1/topics/${topic}/leaderboard`);
    leaderboards[topic] = board;
    for (const leader of (board.all as { network: string; id: string }[]).slice(0, EXPLAINED_PER_TOPIC)) {
      explanations[`${topic}/${leader.network}:${leader.id}`] = await get(`/v1/accounts/${leader.network}/${leader.id}/explain?topic=${topic}`);
    }
  }
  const accounts = Object.fromEntries(
    await Promise.all(world.accounts.map(async ({ network, id }) => [`${network}:${id}`, await get(`/v1/accounts/${network}/${id}`)])),
  );
  const state = await committedState(sway.objects);
  return { stats, applied, state, topics, topicList, leaderboards, explanations, accounts };
};
