/**
 * An independent reading of the log, written from the rules in docs/NETWORKS.md "Retractions" and CONTRACT §2
 * rather than from lib/app/aggregation/resolve.ts: given every row ever logged (wherever and whenever
 * it was logged), the per-topic daily aggregates that must result. Plain loops over plain objects,
 * so it can be checked by eye; the property tests hold the real, incremental DuckDB resolution to it.
 */
import type { LogRow } from '../../lib/app/log/log-rows';

/** A logged row with where it was logged: the log object (its file name) and its row in it. */
export interface PlacedRow extends LogRow {
  obj: string;
  row: number;
}

export interface ReferenceWindow {
  /** `${topic}|${kind}|${day}|${author}|${engager}|${contentId}` → counters. */
  [key: string]: Record<string, number>;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const earlier = (a: PlacedRow, b: PlacedRow) => a.at < b.at || (a.at === b.at && (a.obj < b.obj || (a.obj === b.obj && a.row < b.row)));

export const referenceWindow = (rows: readonly PlacedRow[], firstDay: string): ReferenceWindow => {
  const copies = new Map<string, PlacedRow[]>();
  const retractedUntil = new Map<string, number>();
  const deletedContent = new Set<string>();
  const contentTopics = new Map<string, PlacedRow>();
  for (const row of rows) {
    const id = `${row.network}\u001f${row.id}`;
    if (row.kind === 'interaction') {
      copies.set(id, [...(copies.get(id) ?? []), row]);
      if (row.contentId && row.topics && row.topics.length > 0) {
        const content = `${row.network}\u001f${row.contentId}`;
        const known = contentTopics.get(content);
        if (!known || earlier(row, known)) contentTopics.set(content, row);
      }
    } else if (row.kind === 'retract') {
      retractedUntil.set(id, Math.max(retractedUntil.get(id) ?? -Infinity, row.at));
    } else if (row.kind === 'retract-content') {
      deletedContent.add(`${row.network}\u001f${row.contentId}`);
    }
  }
  const window: ReferenceWindow = {};
  const add = (topic: string, kind: string, onDay: string, author: string, engager: string | null, contentId: string | null, counter: string) => {
    if (onDay < firstDay) return;
    const key = `${topic}|${kind}|${onDay}|${author}|${engager ?? ''}|${contentId ?? ''}`;
    window[key] ??= {};
    window[key][counter] = (window[key][counter] ?? 0) + 1;
  };
  for (const [id, all] of copies) {
    const until = retractedUntil.get(id) ?? -Infinity;
    const counting = all.filter((copy) => copy.at > until && !(copy.contentId && deletedContent.has(`${copy.network}\u001f${copy.contentId}`)));
    if (counting.length === 0) continue;
    const effective = counting.reduce((best, copy) => (earlier(copy, best) ? copy : best));
    const own = effective.topics ?? [];
    const parent = effective.parentContentId ? contentTopics.get(`${effective.network}\u001f${effective.parentContentId}`) : undefined;
    const topics = own.length > 0 ? own : (parent?.topics ?? []);
    const onDay = day(effective.at);
    for (const topic of ['*', ...topics]) {
      if (effective.type === 'post') {
        add(topic, 'post', onDay, effective.actor!, null, null, 'posts');
      } else if (effective.target && effective.target !== effective.actor) {
        add(topic, 'edge', onDay, effective.target, effective.actor, null, `n_${effective.type}`);
        if (effective.parentContentId) add(topic, 'content', onDay, effective.target, null, effective.parentContentId, 'responses');
      }
    }
  }
  return window;
};
