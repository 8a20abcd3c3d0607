/**
 * Which log objects no run has read yet: per day of the log, the objects listed now less those the
 * committed state's list of that day names. Read by prepare, which reads them, and by the stats,
 * which count what they will add.
 */
import { z } from 'zod';
import { objectStoreLayout } from '../log/layout';
import type { ObjectStore } from '../../adapters/object-store/object-store';
import { readJson } from './run-state';

const ProcessedSchema = z.array(z.string());

export interface UnreadDay {
  day: string;
  /** Every object of the day a run has read. */
  read: string[];
  /** Objects of the day no run has read. */
  unread: string[];
}

/** The days (YYYY-MM-DD) with objects no run has read, given the committed lists of read objects per day. */
export const unreadLog = async (objects: ObjectStore, processed: Readonly<Record<string, string>>, days: readonly string[]): Promise<UnreadDay[]> => {
  const found: UnreadDay[] = [];
  for (const day of days) {
    const listed = await objects.list(`${objectStoreLayout.log.prefix}day=${day}/`);
    if (listed.length === 0) continue;
    const read = processed[day] ? ((await readJson(objects, processed[day], ProcessedSchema)) ?? []) : [];
    const seen = new Set(read);
    const unread = listed.filter((key) => !seen.has(key));
    if (unread.length > 0) found.push({ day, read, unread });
  }
  return found;
};

/** Where a run writes the list of the day's read objects. */
export const processedListKey = (day: string, version: string): string => `state/processed/day=${day}/${version}.json`;
