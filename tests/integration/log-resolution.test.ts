/**
 * The log's resolution (lib/app/aggregation/resolve.ts) and the topic windows it feeds
 * (lib/app/aggregation/topic-window.ts), the code every run uses, held to an independent reading of
 * the rules (tests/support/reference-resolution.ts) on random worlds: duplicates delivered in any
 * objects, retractions before and after what they retract, likes given again, deleted content,
 * content whose topics arrive after its reactions — logged in any order, read in any grouping of
 * runs. Seeded: a failure prints its counterexample and replays.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AGGREGATE_COUNTERS, resolveLog } from '../../lib/app/aggregation/resolve';
import { mergeTopicWindow } from '../../lib/app/aggregation/topic-window';
import { withDuckDb } from '../../lib/adapters/duckdb/duckdb';
import { FolderObjectStore } from '../../lib/adapters/object-store/object-store';
import { writeLogObject } from '../../lib/app/log/log-writer';
import type { LogRow } from '../../lib/app/log/log-rows';
import { referenceWindow, type PlacedRow, type ReferenceWindow } from '../support/reference-resolution';

const SEED = 20_261_203;
const RUNS = Number(process.env.SWAY_PROPERTY_RUNS ?? 25);
const NOW = Date.parse('2026-12-03T12:00:00Z');
const DAY_MS = 86_400_000;
const FIRST_DAY = new Date(NOW - 20 * DAY_MS).toISOString().slice(0, 10);

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const accounts = ['x:ana', 'x:bo', 'x:cy', 'x:di', 'x:ed'];
const contents = ['c0', 'c1', 'c2', 'c3'];
const types = ['reply', 'like', 'share', 'quote', 'mention', 'follow'] as const;

/** A world's rows as logged: interactions (with copies), retractions, content deletions. */
const worldRows = fc
  .record({
    posts: fc.array(
      fc.record({
        author: fc.constantFrom(...accounts),
        content: fc.constantFrom(...contents),
        topics: fc.subarray(['physics', 'jazz'], { maxLength: 2 }),
        daysAgo: fc.integer({ min: 0, max: 25 }),
      }),
      { maxLength: 5 },
    ),
    reactions: fc.array(
      fc.record({
        id: fc.integer({ min: 0, max: 14 }),
        type: fc.constantFrom(...types),
        actor: fc.constantFrom(...accounts),
        target: fc.constantFrom(...accounts),
        parent: fc.option(fc.constantFrom(...contents), { nil: null }),
        topics: fc.subarray(['physics', 'cooking'], { maxLength: 1 }),
        daysAgo: fc.integer({ min: 0, max: 25 }),
        copies: fc.integer({ min: 1, max: 3 }),
      }),
      { maxLength: 25 },
    ),
    retractions: fc.array(fc.record({ id: fc.integer({ min: 0, max: 14 }), daysAgo: fc.integer({ min: 0, max: 25 }) }), { maxLength: 5 }),
    deletions: fc.array(fc.record({ content: fc.constantFrom(...contents), daysAgo: fc.integer({ min: 0, max: 25 }) }), { maxLength: 2 }),
  })
  .map(({ posts, reactions, retractions, deletions }): LogRow[] => {
    const at = (daysAgo: number, hour = 0) => NOW - daysAgo * DAY_MS - hour * 3_600_000;
    const base = {
      id: null,
      type: null,
      actor: null,
      actorHandle: null,
      target: null,
      targetHandle: null,
      contentId: null,
      parentContentId: null,
      topics: null,
      handle: null,
    };
    return [
      ...posts.map(
        (post, i): LogRow => ({
          ...base,
          kind: 'interaction',
          network: 'x',
          id: `post-${i}-${post.content}`,
          type: 'post',
          actor: post.author,
          contentId: post.content,
          topics: post.topics.length ? post.topics : null,
          at: at(post.daysAgo, 1),
        }),
      ),
      // The same id may come with another time or other topics (an edit, a like given again): copies.
      ...reactions.flatMap((reaction) =>
        Array.from(
          { length: reaction.copies },
          (_, copy): LogRow => ({
            ...base,
            kind: 'interaction',
            network: 'x',
            id: `r-${reaction.id}`,
            type: reaction.type,
            actor: reaction.actor,
            target: reaction.target,
            contentId: reaction.type === 'reply' || reaction.type === 'quote' ? `content-of-r-${reaction.id}` : null,
            parentContentId: reaction.parent,
            topics: copy === 0 && reaction.topics.length ? reaction.topics : null,
            at: at(Math.max(0, reaction.daysAgo - copy), 2),
          }),
        ),
      ),
      ...retractions.map((retraction): LogRow => ({ ...base, kind: 'retract', network: 'x', id: `r-${retraction.id}`, at: at(retraction.daysAgo, 3) })),
      ...deletions.map((deletion): LogRow => ({ ...base, kind: 'retract-content', network: 'x', contentId: deletion.content, at: at(deletion.daysAgo, 4) })),
    ];
  });

/** An arrival: the rows shuffled, cut into log objects, and the objects cut into runs. */
const arrivals = worldRows.chain((rows) =>
  fc.record({
    rows: fc.shuffledSubarray(rows, { minLength: rows.length, maxLength: rows.length }),
    objectSizes: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 40 }),
    runSizes: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 20 }),
  }),
);

/** Logs the rows as objects and reads them run by run, as prepare and the topic workers do; returns every topic's window. */
const resolveInRuns = async (rows: readonly LogRow[], objectSizes: number[], runSizes: number[]): Promise<{ window: ReferenceWindow; placed: PlacedRow[] }> => {
  const root = mkdtempSync(join(tmpdir(), 'sway-resolution-'));
  roots.push(root);
  const store = new FolderObjectStore(join(root, 'objects'));
  const placed: PlacedRow[] = [];
  const objects: string[] = [];
  for (let start = 0, o = 0; start < rows.length; o++) {
    const size = objectSizes[o % objectSizes.length]!;
    const slice = rows.slice(start, start + size);
    const key = `log/day=2026-12-03/o${String(o).padStart(4, '0')}.parquet`;
    await writeLogObject(store, key, slice);
    slice.forEach((row, i) => {
      placed.push({ ...row, obj: `o${String(o).padStart(4, '0')}.parquet`, row: i });
    });
    objects.push(key);
    start += size;
  }
  const files = await store.localPaths(objects);
  const state = { index: [] as string[], content: [] as string[] };
  const windows = new Map<string, string>();
  await withDuckDb(async (db) => {
    for (let start = 0, r = 0; start < files.length; r++) {
      const size = runSizes[r % runSizes.length]!;
      const version = `2026120312000000${String(r).padStart(4, '0')}`;
      const out = {
        index: join(root, `index-${r}.parquet`),
        content: join(root, `content-${r}.parquet`),
        handles: join(root, `handles-${r}.parquet`),
        deltas: join(root, `deltas-${r}`),
      };
      const summary = await resolveLog(db, files.slice(start, start + size), state, out, version);
      state.index.push(out.index);
      state.content.push(out.content);
      for (const topicKey of summary.topics) {
        const folder = join(out.deltas, `tk=${topicKey}`);
        const output = join(root, `window-${topicKey}-${r}.parquet`);
        await mergeTopicWindow(db, {
          previous: windows.get(topicKey) ?? null,
          deltas: readdirSync(folder).map((file) => join(folder, file)),
          firstDay: FIRST_DAY,
          withoutDigests: [],
          output,
        });
        windows.set(topicKey, output);
      }
      start += size;
    }
    // Every window, read back as the reference writes it.
  });
  const window: ReferenceWindow = {};
  await withDuckDb(async (db) => {
    for (const [topicKey, file] of windows) {
      const rowsOfWindow = (
        await db.runAndReadAll(
          `SELECT kind, day::VARCHAR, author, coalesce(engager, ''), coalesce(content_id, ''), ${AGGREGATE_COUNTERS.join(', ')} FROM read_parquet('${file}')`,
        )
      ).getRows();
      for (const [kind, onDay, author, engager, contentId, ...counters] of rowsOfWindow) {
        const topic = topicKey === '_all' ? '*' : topicKey;
        const values = Object.fromEntries(AGGREGATE_COUNTERS.map((name, i) => [name, Number(counters[i])]).filter(([, value]) => value !== 0));
        for (const value of Object.values(values)) expect(value).toBeGreaterThan(0);
        window[`${topic}|${kind}|${onDay}|${author}|${engager}|${contentId}`] = values;
      }
    }
  });
  return { window, placed };
};

/**
 * Always tried, whatever the seed: a reply without topics of its own read in one run, and its
 * parent's topics learnt in the next — the committed reply must be found again by its parent.
 */
const lateTopicsOfAParent = (() => {
  const base = { actorHandle: null, targetHandle: null, handle: null, kind: 'interaction', network: 'x' } as const;
  const rows: LogRow[] = [
    { ...base, id: 'r-0', type: 'reply', actor: 'x:ana', target: 'x:bo', contentId: 'content-of-r-0', parentContentId: 'c2', topics: null, at: NOW - DAY_MS },
    { ...base, id: 'post-0-c2', type: 'post', actor: 'x:bo', target: null, contentId: 'c2', parentContentId: null, topics: ['physics'], at: NOW - 2 * DAY_MS },
  ];
  return { rows, objectSizes: [1], runSizes: [1] };
})();

describe('reading the interaction log', () => {
  it('gives the windows the rules give, whatever the order of arrival and the grouping into runs', async () => {
    await fc.assert(
      fc.asyncProperty(arrivals, async ({ rows, objectSizes, runSizes }) => {
        const { window, placed } = await resolveInRuns(rows, objectSizes, runSizes);
        expect(window).toEqual(referenceWindow(placed, FIRST_DAY));
      }),
      { seed: SEED, numRuns: RUNS, examples: [[lateTopicsOfAParent]] },
    );
  }, 300_000);
});
