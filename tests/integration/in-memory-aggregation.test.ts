/**
 * The in-memory aggregation (lib/dev/evaluation/in-memory-aggregates.ts), which the scoring
 * property tests, the benchmarks and the demo's past history run on, gives the topic windows the
 * service's own reading of the log gives (lib/app/aggregation/resolve.ts, then topic-window.ts) — on
 * random worlds: copies of an id with other times, types or topics, exact redeliveries,
 * retractions before and after what they retract, deleted content, reactions that take their
 * topics from their content, hashtags, self-interactions, two networks sharing ids, and
 * timestamps written with offsets on either side of a UTC midnight. Seeded: a failure prints its
 * counterexample and replays.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Retraction } from '../../lib/domain/interactions/retraction';
import { INTERACTION_TYPES, InteractionSchema, type Interaction } from '../../lib/domain/interactions/schema';
import { logRowsOf } from '../../lib/app/log/log-rows';
import { writeLogObject } from '../../lib/app/log/log-writer';
import { FolderObjectStore } from '../../lib/adapters/object-store/object-store';
import { aggregateInMemory, type TopicAggregateRows } from '../../lib/dev/evaluation/in-memory-aggregates';
import { windowsOfLog, type WindowRow } from '../support/log-harness';

const SEED = 20_261_117;
const RUNS = Number(process.env.SWAY_PROPERTY_RUNS ?? 25);
/** A UTC midnight; times fall within two days either side of it. */
const MIDNIGHT = Date.parse('2026-11-20T00:00:00Z');
const MINUTE_MS = 60_000;

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const people = ['ana', 'bo', 'cy', 'di'];
const contents = ['c0', 'c1', 'c2'];
/** Offsets in minutes east of UTC: the day written in the timestamp is often not its UTC day. */
const offsets = [0, 330, -480, 840, -720];

/** The instant `MIDNIGHT + minutes`, written as local time at `offset` minutes east of UTC. */
const timestamp = (minutes: number, offset: number): string => {
  const local = new Date(MIDNIGHT + (minutes + offset) * MINUTE_MS).toISOString().slice(0, 23);
  if (offset === 0) return `${local}Z`;
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  return `${local}${offset < 0 ? '-' : '+'}${hours}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
};
const when = fc.record({ minutes: fc.integer({ min: -2 * 24 * 60, max: 2 * 24 * 60 }), offset: fc.constantFrom(...offsets) });

const interaction = fc
  .record({
    network: fc.constantFrom('x', 'mastodon'),
    id: fc.integer({ min: 0, max: 9 }),
    type: fc.constantFrom(...INTERACTION_TYPES),
    actor: fc.constantFrom(...people),
    target: fc.constantFrom(...people),
    contentId: fc.option(fc.constantFrom(...contents), { nil: undefined }),
    parentContentId: fc.option(fc.constantFrom(...contents), { nil: undefined }),
    topics: fc.option(fc.subarray(['physics', 'jazz']), { nil: undefined }),
    text: fc.option(fc.constantFrom('#Jazz tonight', 'Chez #Café-Society', 'no tags', '#physics, then #jazz'), { nil: undefined }),
    at: when,
  })
  .map(
    ({ network, id, type, actor, target, contentId, parentContentId, topics, text, at }): Interaction =>
      InteractionSchema.parse({
        id: `i${id}`,
        network,
        type,
        actor: { id: actor },
        ...(type === 'post' ? {} : { target: { id: target } }),
        ...(contentId ? { contentId } : {}),
        ...(parentContentId ? { parentContentId } : {}),
        ...(topics ? { topics } : {}),
        ...(text ? { text } : {}),
        occurredAt: timestamp(at.minutes, at.offset),
      }),
  );

const retraction = fc.oneof(
  fc
    .record({ network: fc.constantFrom('x', 'mastodon'), id: fc.integer({ min: 0, max: 9 }), at: when })
    .map(({ network, id, at }): Retraction => ({ kind: 'interaction', network, id: `i${id}`, retractedAt: timestamp(at.minutes, at.offset) })),
  fc
    .record({ network: fc.constantFrom('x', 'mastodon'), contentId: fc.constantFrom(...contents), at: when })
    .map(({ network, contentId, at }): Retraction => ({ kind: 'content', network, contentId, retractedAt: timestamp(at.minutes, at.offset) })),
);

/** Queue messages in their order of arrival: interactions (some delivered again as they were) and retractions. */
const messages = fc
  .record({
    interactions: fc.array(interaction, { minLength: 1, maxLength: 30 }),
    redelivered: fc.array(fc.nat(), { maxLength: 6 }),
    retractions: fc.array(retraction, { maxLength: 5 }),
    sizes: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }),
  })
  .chain(({ interactions, redelivered, retractions, sizes }) => {
    const all = [...interactions, ...redelivered.map((i) => interactions[i % interactions.length]!)];
    return fc.record({
      interactions: fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
      retractions: fc.constant(retractions),
      sizes: fc.constant(sizes),
      retractionsIn: fc.array(fc.nat(), { minLength: retractions.length, maxLength: retractions.length }),
    });
  })
  .map(({ interactions, retractions, sizes, retractionsIn }) => {
    const cut: { interactions: Interaction[]; retractions: Retraction[] }[] = [];
    for (let start = 0, m = 0; start < interactions.length; m++) {
      const size = sizes[m % sizes.length]!;
      cut.push({ interactions: interactions.slice(start, start + size), retractions: [] });
      start += size;
    }
    retractions.forEach((item, r) => {
      cut[retractionsIn[r]! % cut.length]!.retractions.push(item);
    });
    return cut;
  });

const order = (a: WindowRow, b: WindowRow): number => {
  const key = (row: WindowRow) => [row.kind, row.author, row.engager ?? '', row.day, row.contentId ?? ''].join('\u0000');
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
};

/** In-memory aggregates as window rows. */
const asWindowRows = ({ edges, posts, content }: TopicAggregateRows): WindowRow[] =>
  [
    ...edges.map(
      (edge): WindowRow => ({ kind: 'edge', day: edge.day, author: edge.author, engager: edge.engager, contentId: null, counts: { ...edge.counts } }),
    ),
    ...posts.map((post): WindowRow => ({ kind: 'post', day: post.day, author: post.author, engager: null, contentId: null, counts: { posts: post.posts } })),
    ...content.map(
      (item): WindowRow => ({
        kind: 'content',
        day: item.day,
        author: item.author,
        engager: null,
        contentId: item.contentId,
        counts: { responses: item.responses },
      }),
    ),
  ].sort(order);

/** Logs the messages as the apply step does, one object per message named in their order, and reads every topic's window from scratch. */
const windowsFromTheLog = async (arrived: { interactions: Interaction[]; retractions: Retraction[] }[]): Promise<Map<string, WindowRow[]>> => {
  const root = mkdtempSync(join(tmpdir(), 'sway-in-memory-'));
  roots.push(root);
  const store = new FolderObjectStore(join(root, 'objects'));
  const keys: string[] = [];
  for (const [m, message] of arrived.entries()) {
    // Copies logged at the same instant count by (object, row): names that sort in the order of arrival.
    const key = `log/day=2026-11-20/m${String(m).padStart(4, '0')}.parquet`;
    await writeLogObject(store, key, logRowsOf(message));
    keys.push(key);
  }
  const windows = await windowsOfLog(await store.localPaths(keys), join(root, 'read'));
  return new Map([...windows].map(([topic, rows]) => [topic, [...rows].sort(order)]));
};

describe('the in-memory aggregation', () => {
  it('gives every topic the window the log’s resolution gives', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(messages, async (arrived) => {
        const inMemory = aggregateInMemory(
          arrived.flatMap((message) => message.interactions),
          arrived.flatMap((message) => message.retractions),
        );
        const fromTheLog = await windowsFromTheLog(arrived);
        expect(new Map([...inMemory].map(([topic, rows]) => [topic, asWindowRows(rows)]))).toEqual(fromTheLog);
        compared += [...fromTheLog.values()].reduce((sum, rows) => sum + rows.length, 0);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The worlds were not empty: windows with rows of every kind were compared.
    expect(compared).toBeGreaterThan(RUNS * 10);
  }, 300_000);
});
