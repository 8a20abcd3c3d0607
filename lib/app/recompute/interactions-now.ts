/**
 * The interactions counting in the scoring window now, for the stats: the last run's count plus
 * what the log received since, resolved as the next run will resolve it — duplicates once,
 * retractions and deletions taken out — without writing anything.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveLog } from '../aggregation/resolve';
import { withDuckDb } from '../../adapters/duckdb/duckdb';
import { scratchDirectory } from '../../adapters/scratch-folder';
import { MissingObjectError, type ObjectStore } from '../../adapters/object-store/object-store';
import { firstDayOfWindow } from './prepare-unit';
import { addCountsByDay, countsInWindow, readManifest } from './run-state';
import { unreadLog } from './unread-log';

const DAY_MS = 86_400_000;
/** A run that commits between reading the manifest and its files deletes some of them: read again. */
const ATTEMPTS = 3;

let last: { fingerprint: string; interactions: number } | undefined;

export const interactionsNow = async (objects: ObjectStore, now: Date): Promise<number> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await countOnce(objects, now);
    } catch (error) {
      if (!(error instanceof MissingObjectError) || attempt >= ATTEMPTS) throw error;
    }
  }
};

const countOnce = async (objects: ObjectStore, now: Date): Promise<number> => {
  const manifest = await readManifest(objects);
  // The days an incremental run reads: the log receives today's messages, and yesterday's late ones.
  const days = [new Date(now.getTime() - DAY_MS), now].map((time) => time.toISOString().slice(0, 10));
  const unread = (await unreadLog(objects, manifest.processed, days)).flatMap((day) => day.unread);
  // Counted by day: the days that left the window since the last run no longer count.
  const firstDay = firstDayOfWindow(now.toISOString());
  const inWindow = (change: Readonly<Record<string, number>>, countedChange: number) =>
    manifest.countedByDay ? countsInWindow(addCountsByDay(manifest.countedByDay, change), firstDay).total : Math.max(0, manifest.interactions + countedChange);
  if (unread.length === 0) return inWindow({}, 0);
  // Polled while a queue drains: the same unread objects against the same state give the same count.
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([manifest.version, unread]))
    .digest('base64url');
  if (last?.fingerprint === fingerprint) return last.interactions;
  const work = await scratchDirectory('count-');
  try {
    const interactions = await withDuckDb(async (db) => {
      const files = await objects.localPaths(unread, { missing: 'skip' });
      const state = { index: await objects.localPaths(manifest.index), content: await objects.localPaths(manifest.content) };
      const output = {
        index: join(work, 'index.parquet'),
        content: join(work, 'content.parquet'),
        handles: join(work, 'handles.parquet'),
        deltas: join(work, 'deltas'),
      };
      const summary = await resolveLog(db, files, state, output, 'count');
      return inWindow(summary.countedByDay, summary.countedChange);
    });
    last = { fingerprint, interactions };
    return interactions;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
};
