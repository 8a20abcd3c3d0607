/**
 * The apply step, the log's reading and the recompute's units over one table and a folder log, for
 * tests that work below the HTTP routes: messages applied into the log (and DynamoDB dedupe keys);
 * the whole log read from scratch by the real resolution into topic windows; a whole local run,
 * with some stores swapped for ones that pause or fail.
 */
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DuckDBConnection } from '@duckdb/node-api';
import { resolveLog, topicKeyOf, topicOfKey } from '../../lib/app/aggregation/resolve';
import { mergeTopicWindow, windowRows } from '../../lib/app/aggregation/topic-window';
import type { QueuedInteractions } from '../../lib/domain/interactions/queued';
import { applyToLog } from '../../lib/app/log/apply-to-log';
import { withDuckDb } from '../../lib/adapters/duckdb/duckdb';
import { writeLogObject } from '../../lib/app/log/log-writer';
import { FolderObjectStore, type ObjectStore } from '../../lib/adapters/object-store/object-store';
import { runRecomputeLocally, unitsOver } from '../../lib/app/recompute/local-orchestrator';
import { newRun } from '../../lib/app/recompute/run-record';
import { readManifest, windowFilesOf, type TopicHead } from '../../lib/app/recompute/run-state';
import { storesOver, type Stores } from '../../lib/wiring/dependencies';
import { Table } from '../../lib/adapters/dynamodb/table';

export interface WindowRow {
  kind: 'edge' | 'post' | 'content';
  day: string;
  author: string;
  engager: string | null;
  contentId: string | null;
  counts: Record<string, number>;
}

/**
 * Every topic's window rows (by topic, `*` for overall) from these log files, read from scratch by
 * the resolution and window merge every run uses; `workDir` takes the files they write.
 */
export const windowsOfLog = async (files: readonly string[], workDir: string, firstDay = '2000-01-01'): Promise<Map<string, WindowRow[]>> => {
  const windows = new Map<string, WindowRow[]>();
  if (files.length === 0) return windows;
  mkdirSync(workDir, { recursive: true });
  await withDuckDb(async (duck) => {
    const out = {
      index: join(workDir, 'index.parquet'),
      content: join(workDir, 'content.parquet'),
      handles: join(workDir, 'handles.parquet'),
      deltas: join(workDir, 'deltas'),
    };
    const { topics } = await resolveLog(duck, files, { index: [], content: [] }, out, 'harness');
    for (const key of topics) {
      const folder = join(out.deltas, `tk=${key}`);
      const window = join(workDir, `window-${key}.parquet`);
      await mergeTopicWindow(duck, {
        previous: null,
        deltas: readdirSync(folder).map((file) => join(folder, file)),
        firstDay,
        withoutDigests: [],
        output: window,
      });
      windows.set(topicOfKey(key), await windowRowsOf(duck, `read_parquet('${window}')`));
    }
  });
  return windows;
};

/** The rows of a relation of window rows, in a fixed order, as WindowRow. */
const windowRowsOf = async (duck: DuckDBConnection, relation: string): Promise<WindowRow[]> => {
  const rows = (await duck.runAndReadAll(`SELECT * FROM ${relation} ORDER BY kind, author, engager, day, content_id`)).getRowObjectsJson();
  return rows.map((row) => ({
    kind: row.kind as WindowRow['kind'],
    day: String(row.day),
    author: String(row.author),
    engager: row.engager === null ? null : String(row.engager),
    contentId: row.content_id === null ? null : String(row.content_id),
    counts: Object.fromEntries(
      Object.entries(row)
        .filter(([name, value]) => (name.startsWith('n_') || name === 'posts' || name === 'responses') && Number(value) !== 0)
        .map(([name, value]) => [name.replace(/^n_/, ''), Number(value)]),
    ),
  }));
};

export const logHarness = (db: DynamoDBDocumentClient, tableName: string) => {
  const root = mkdtempSync(join(tmpdir(), 'sway-log-harness-'));
  const objects = new FolderObjectStore(join(root, 'objects'));
  const stores = storesOver(new Table(db, tableName));
  const { ingest, consent } = stores;
  let reads = 0;
  return {
    objects,
    stores,
    ingest,
    consent,
    /** A whole run as `npm start` runs it, requested through the API unless said otherwise; swapped stores (and object store) replace the real ones. */
    recompute: (
      swapped: Partial<Stores & { objects: ObjectStore }> = {},
      {
        runId = newRun('api').runId,
        full,
        asOf,
        resolutionBatchBytes,
        mostUnmergedFiles,
      }: { runId?: string; full?: boolean; asOf?: Date; resolutionBatchBytes?: number; mostUnmergedFiles?: number } = {},
    ) =>
      runRecomputeLocally(
        { runId, trigger: 'api', ...(full ? { full } : {}) },
        unitsOver({
          ...stores,
          objects,
          ...swapped,
          ...(asOf ? { now: () => asOf } : {}),
          ...(resolutionBatchBytes ? { resolutionBatchBytes } : {}),
          ...(mostUnmergedFiles ? { mostUnmergedFiles } : {}),
        }),
        objects,
      ),
    apply: (message: QueuedInteractions, appliedAt = new Date()) =>
      applyToLog(
        message,
        {
          optedOutAmong: (accounts) => consent.optedOutAmong(accounts),
          writeLogObject: (key, rows) => writeLogObject(objects, key, rows),
          rememberApplied: (refs, at) => ingest.rememberApplied(refs, at),
          forgetApplied: (refs) => ingest.forgetApplied(refs),
        },
        appliedAt,
      ),
    /** A topic's committed window as the recompute reads it (its merged file and the deltas not merged into it), and the head that names them. */
    committedWindow: async (topic: string): Promise<{ head: TopicHead; rows: WindowRow[] } | null> => {
      const head = (await readManifest(objects)).topics[topicKeyOf(topic)]?.head;
      if (!head) return null;
      const [merged, ...deltas] = await objects.localPaths(windowFilesOf(head));
      return { head, rows: await withDuckDb((duck) => windowRowsOf(duck, windowRows({ merged: merged!, deltas, firstDay: '2000-01-01' }))) };
    },
    /** A topic's window rows from the whole log, read afresh. */
    window: async (topic: string, firstDay = '2000-01-01'): Promise<WindowRow[]> => {
      const files = await objects.localPaths(await objects.list('log/'));
      return (await windowsOfLog(files, join(root, `read-${reads++}`), firstDay)).get(topic) ?? [];
    },
  };
};
