/**
 * An incremental run leaves a topic's window file as it was and adds its deltas beside it; readers
 * sum the two, and what they read is the window the whole log gives — retractions included. Its
 * explanations too go beside the earlier ones, of the accounts it rescored only: an account no
 * longer scored loses its explanation, one scored again gets it back. The next full pass merges
 * them into one file each, as does a run that would leave more unmerged files than it keeps, and
 * the files a merge replaced go.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  audienceSketchesQuery,
  deltasNameAny,
  mergeTopicWindow,
  dropTouchedParts,
  mergeTopicWindows,
  readTopContent,
  readTopicAggregates,
  readMergedAggregates,
  readTouchedAggregates,
  readTouchedParts,
  readTouchedTopContent,
  windowRows,
  type TopicSources,
} from '../../lib/app/aggregation/topic-window';
import { withDuckDb } from '../../lib/adapters/duckdb/duckdb';
import { FolderObjectStore } from '../../lib/adapters/object-store/object-store';
import { listedAuthors, PendingTopicFiles } from '../../lib/app/recompute/topic-files';
import type { Interaction } from '../../lib/domain/interactions/schema';
import { emptyEngagementColumns, emptyPostColumns, type TopicAggregates } from '../../lib/domain/scoring/engagement';
import type { Retraction } from '../../lib/domain/interactions/retraction';
import { engagements, interaction } from '../support/interactions';
import { isolatedTables } from '../support/isolated-tables';
import { logHarness } from '../support/log-harness';

let sway: ReturnType<typeof logHarness>;
const scratch = mkdtempSync(join(tmpdir(), 'sway-window-deltas-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const apply = (interactions: Interaction[], retractions: Retraction[] = []) =>
  sway.apply({ receivedAt: new Date().toISOString(), interactions, ...(retractions.length > 0 ? { retractions } : {}) });

/** The topic's committed window, and the window the whole log gives read afresh, side by side. */
const windows = async (topic: string) => ({ committed: await sway.committedWindow(topic), fromLog: await sway.window(topic) });

const exists = async (key: string) => (await sway.objects.get(key)) !== null;

beforeAll(async () => {
  const { db, mainTable } = await isolatedTables();
  sway = logHarness(db, mainTable);
});

describe('a topic window between full passes', () => {
  const retracted = interaction({ type: 'reply', actor: { id: 'regretful' }, target: { id: 'soloist' }, topics: ['jazz'] });
  const onlyReply = interaction({ type: 'reply', actor: { id: 'lonely-fan' }, target: { id: 'oneshot' }, topics: ['jazz'] });
  const retraction = (of: Interaction): Retraction => ({ kind: 'interaction', network: 'x', id: of.id, retractedAt: new Date().toISOString() });
  const explanation = (id: string) => sway.stores.accounts.explanation('x', id, 'jazz');
  let fullPassWindow: string;

  it('is one merged file after a full pass', async () => {
    await apply([...engagements('soloist', 4, 'reply', ['jazz']), retracted, onlyReply]);
    expect(await sway.recompute()).toMatchObject({ status: 'succeeded', mode: 'full' });
    const { committed, fromLog } = await windows('jazz');
    expect(committed!.head.windowDeltas).toBeUndefined();
    expect(committed!.head.explanations).toBeUndefined();
    expect(await explanation('oneshot')).not.toBeNull();
    expect(committed!.rows).toEqual(fromLog);
    expect(fromLog.some((row) => row.engager === 'x:regretful')).toBe(true);
    fullPassWindow = committed!.head.window;
  });

  it('keeps that file and adds each incremental run’s deltas beside it, summed by readers (a retraction cancels its row), and its explanations of the accounts it rescored', async () => {
    const soloist = await explanation('soloist');
    await apply(engagements('pianist', 3, 'reply', ['jazz']), [retraction(retracted), retraction(onlyReply)]);
    expect(await sway.recompute()).toMatchObject({ status: 'succeeded', mode: 'incremental' });
    const first = await windows('jazz');
    expect(first.committed!.head.explanations).toHaveLength(2);
    expect(await explanation('pianist')).toMatchObject({ score: expect.any(Number) });
    expect(await explanation('oneshot')).toBeNull();
    expect((await explanation('soloist'))!.topEngagers).toHaveLength(soloist!.topEngagers.length - 1);
    expect(first.committed!.head.window).toBe(fullPassWindow);
    expect(first.committed!.head.windowDeltas?.length).toBeGreaterThan(0);
    expect(first.committed!.rows).toEqual(first.fromLog);
    expect(first.fromLog.some((row) => row.engager === 'x:regretful')).toBe(false);
    expect(first.fromLog.some((row) => row.author === 'x:pianist')).toBe(true);

    await apply(engagements('drummer', 2, 'like', ['jazz']));
    expect(await sway.recompute()).toMatchObject({ status: 'succeeded', mode: 'incremental' });
    const second = await windows('jazz');
    expect(second.committed!.head.explanations).toEqual([...first.committed!.head.explanations!, expect.any(String)]);
    expect(await explanation('oneshot')).toBeNull();
    expect(await explanation('drummer')).not.toBeNull();
    expect(second.committed!.head.window).toBe(fullPassWindow);
    expect(second.committed!.head.windowDeltas).toEqual(expect.arrayContaining(first.committed!.head.windowDeltas!));
    expect(second.committed!.head.windowDeltas!.length).toBeGreaterThan(first.committed!.head.windowDeltas!.length);
    expect(second.committed!.rows).toEqual(second.fromLog);
    for (const key of [second.committed!.head.window, ...second.committed!.head.windowDeltas!, ...second.committed!.head.explanations!])
      expect(await exists(key)).toBe(true);

    // Scored again: the explanation comes back, beside the file that says the account was not scored.
    await apply([interaction({ type: 'reply', actor: { id: 'second-fan' }, target: { id: 'oneshot' }, topics: ['jazz'] })]);
    expect(await sway.recompute()).toMatchObject({ status: 'succeeded', mode: 'incremental' });
    expect((await explanation('oneshot'))!.topEngagers.map((engager) => engager.id)).toEqual(['second-fan']);
    expect(await explanation('pianist')).toMatchObject({ score: expect.any(Number) });
  });

  it('is merged again by the next full pass, and the files it replaced are deleted', async () => {
    const before = (await sway.committedWindow('jazz'))!.head;
    expect(await sway.recompute({}, { full: true })).toMatchObject({ status: 'succeeded', mode: 'full' });
    const { committed, fromLog } = await windows('jazz');
    expect(committed!.head.window).not.toBe(fullPassWindow);
    expect(committed!.head.windowDeltas).toBeUndefined();
    expect(committed!.head.explanations).toBeUndefined();
    expect(committed!.rows).toEqual(fromLog);
    for (const key of [before.window, ...before.windowDeltas!, ...before.explanations!]) expect(await exists(key)).toBe(false);
    expect(await explanation('oneshot')).not.toBeNull();
  });
});

describe('a topic with more unmerged files than a run keeps', () => {
  const explanation = (id: string) => sway.stores.accounts.explanation('x', id, 'blues');
  const run = async () => {
    expect(await sway.recompute({}, { mostUnmergedFiles: 2 })).toMatchObject({ status: 'succeeded', mode: 'incremental' });
    const { committed, fromLog } = await windows('blues');
    expect(committed!.rows).toEqual(fromLog);
    return committed!.head;
  };
  const fanOf = (i: number) => interaction({ type: 'reply', actor: { id: `blues-fan-${i}` }, target: { id: 'singer' }, topics: ['blues'] });

  it('merges the explanations, then the window, once a run would leave more of them', async () => {
    const fans = Array.from({ length: 6 }, (_, i) => fanOf(i));
    await apply(fans.slice(0, 3));
    const first = await run();
    expect([first.windowDeltas, first.explanations]).toEqual([undefined, undefined]);

    await apply([fans[3]!]);
    const second = await run();
    expect(second.window).toBe(first.window);
    expect(second.windowDeltas).toHaveLength(1);
    expect(second.explanations).toHaveLength(2);

    await apply([fans[4]!], [{ kind: 'interaction', network: 'x', id: fans[0]!.id, retractedAt: new Date().toISOString() }]);
    const third = await run();
    expect(third.windowDeltas).toHaveLength(2);
    expect(third.explanations).toBeUndefined();
    for (const key of second.explanations!) expect(await exists(key)).toBe(false);
    expect((await explanation('singer'))!.topEngagers.map((engager) => engager.id).sort()).toEqual([
      'blues-fan-1',
      'blues-fan-2',
      'blues-fan-3',
      'blues-fan-4',
    ]);

    await apply([fans[5]!]);
    const fourth = await run();
    expect(fourth.window).not.toBe(first.window);
    expect(fourth.windowDeltas).toBeUndefined();
    expect(fourth.explanations).toHaveLength(2);
    for (const key of [first.window, ...third.windowDeltas!]) expect(await exists(key)).toBe(false);
    expect((await explanation('singer'))!.topEngagers).toHaveLength(5);
  });
});

describe('deltasNameAny', () => {
  it('finds an account among delta files by the SHA-256 of network:id, as author or engager', async () => {
    const file = join(scratch, 'delta.parquet');
    await withDuckDb((db) =>
      db.run(
        `COPY (SELECT 'edge' AS kind, 'x:author' AS author, 'x:engager' AS engager UNION ALL SELECT 'post', 'x:poster', NULL) TO '${file}' (FORMAT parquet)`,
      ),
    );
    const digest = (account: string) => createHash('sha256').update(account).digest('hex');
    await withDuckDb(async (db) => {
      expect(await deltasNameAny(db, [file], [digest('x:engager')])).toBe(true);
      expect(await deltasNameAny(db, [file], [digest('x:poster')])).toBe(true);
      expect(await deltasNameAny(db, [file], [digest('x:someone-else')])).toBe(false);
      expect(await deltasNameAny(db, [], [digest('x:author')])).toBe(false);
    });
  });
});

describe('a map item’s topics read together (readTouchedParts, mergeTopicWindows)', () => {
  /** Window rows as files hold them: kind, day, author, engager, content id, then the counters that matter here. */
  type Row = [kind: string, day: string, author: string, engager: string | null, contentId: string | null, likes: number, posts: number, responses: number];
  const writeRows = async (name: string, rows: Row[]) => {
    const file = join(scratch, `${name}.parquet`);
    const values = rows
      .map(([kind, day, author, engager, content, likes, posts, responses]) => {
        const text = (value: string | null) => (value === null ? 'NULL' : `'${value}'`);
        return `(${text(kind)}, DATE '${day}', ${text(author)}, ${text(engager)}, ${text(content)}, 0, 0, 0, ${likes}, 0, 0, ${posts}, ${responses})`;
      })
      .join(', ');
    await withDuckDb((db) =>
      db.run(
        // Typed as the log's files are: a column of NULLs alone would be read as INTEGER.
        `COPY (SELECT * REPLACE (engager::VARCHAR AS engager, content_id::VARCHAR AS content_id) FROM (VALUES ${values}) AS t(kind, day, author, engager, content_id, n_reply, n_quote, n_share, n_like, n_mention, n_follow, posts, responses)) TO '${file}' (FORMAT parquet)`,
      ),
    );
    return file;
  };
  const firstDay = '2026-11-01';
  let topics: TopicSources[];

  beforeAll(async () => {
    // Jazz: a merged window, a delta since, and this run's delta (one like, undone in part by a retraction of the day before's).
    const jazzWindow = await writeRows('jazz-window', [
      ['edge', '2026-11-20', 'x:singer', 'x:fan1', null, 2, 0, 0],
      ['edge', '2026-11-20', 'x:drummer', 'x:fan2', null, 1, 0, 0],
      ['edge', '2026-10-01', 'x:singer', 'x:old-fan', null, 5, 0, 0],
      ['post', '2026-11-20', 'x:singer', null, null, 0, 3, 0],
      ['content', '2026-11-20', 'x:singer', null, 'p1', 0, 0, 2],
      ['edge', '2026-11-21', 'x:bassist', 'x:fan3', null, 1, 0, 0],
    ]);
    const jazzEarlier = await writeRows('jazz-earlier', [['edge', '2026-11-22', 'x:singer', 'x:fan2', null, 1, 0, 0]]);
    const jazzNow = await writeRows('jazz-now', [
      ['edge', '2026-11-23', 'x:fan1', 'x:singer', null, 1, 0, 0],
      ['edge', '2026-11-20', 'x:drummer', 'x:fan2', null, -1, 0, 0],
    ]);
    // Rock: no merged window yet; the same accounts as jazz, which its rows must not take in.
    const rockNow = await writeRows('rock-now', [['edge', '2026-11-23', 'x:singer', 'x:fan9', null, 4, 0, 0]]);
    // Folk: nothing this run.
    const folkWindow = await writeRows('folk-window', [['edge', '2026-11-20', 'x:singer', 'x:fan1', null, 7, 0, 0]]);
    topics = [
      { key: 'jazz', window: { merged: jazzWindow, deltas: [jazzEarlier, jazzNow], firstDay }, deltas: [jazzNow] },
      { key: 'rock', window: { merged: null, deltas: [rockNow], firstDay }, deltas: [rockNow] },
      { key: 'folk', window: { merged: folkWindow, deltas: [], firstDay }, deltas: [] },
    ];
  });

  /** Aggregates as rows in one order: their reader keeps none. */
  const inAnyOrder = ({ accounts, edges, posts }: TopicAggregates) => ({
    accounts,
    edges: Array.from({ length: edges.length }, (_, i) =>
      [edges.author, edges.engager, edges.day, edges.reply, edges.quote, edges.share, edges.like, edges.mention, edges.follow].map((column) => column[i]),
    ).sort(),
    posts: Array.from({ length: posts.length }, (_, i) => [posts.author[i], posts.day[i], posts.count[i]]).sort(),
  });

  /**
   * What a part reads: its touched accounts, its window rows, its audiences, the aggregates scoring
   * takes from it and its authors' top content; read for all of `sources` at once (`together`), or
   * each of these from the part alone.
   */
  const readPart = async (sources: TopicSources[], key: string, together: boolean) =>
    withDuckDb(async (db) => {
      const tables = together ? 'item' : 'topic';
      const part = (await readTouchedParts(db, sources, firstDay, tables)).get(key)!;
      const rows = (sql: string) => db.runAndReadAll(`${sql} ORDER BY ALL`).then((result) => result.getRowObjectsJson());
      return {
        touched: part.touched,
        touchedQuery: (await rows(part.touchedQuery)).map((row) => row.account),
        window: await rows(`SELECT kind, day, author, engager, content_id, n_like, posts, responses FROM ${windowRows(part.window)}`),
        audiences: await rows(`SELECT * FROM ${part.audiences}`),
        aggregates: inAnyOrder(
          together
            ? ((await readTouchedAggregates(db, tables)).get(key) ?? { accounts: [], edges: emptyEngagementColumns(0), posts: emptyPostColumns(0) })
            : await readTopicAggregates(db, part.window),
        ),
        topContent: together
          ? ((await readTouchedTopContent(db, tables, 5)).get(key) ?? new Map())
          : await readTopContent(db, part.window, part.touchedQuery, 5),
      };
    });

  it('reads of each topic the accounts its deltas touched and their rows of the window, summed, in the window’s days', async () => {
    const jazz = await readPart(topics, 'jazz', true);
    expect(jazz.touched).toEqual(['x:drummer', 'x:fan1', 'x:fan2', 'x:singer']);
    expect(jazz.touchedQuery).toEqual(jazz.touched);
    expect(jazz.window).toEqual([
      { kind: 'content', day: '2026-11-20', author: 'x:singer', engager: null, content_id: 'p1', n_like: 0, posts: 0, responses: 2 },
      { kind: 'edge', day: '2026-11-20', author: 'x:singer', engager: 'x:fan1', content_id: null, n_like: 2, posts: 0, responses: 0 },
      { kind: 'edge', day: '2026-11-22', author: 'x:singer', engager: 'x:fan2', content_id: null, n_like: 1, posts: 0, responses: 0 },
      { kind: 'edge', day: '2026-11-23', author: 'x:fan1', engager: 'x:singer', content_id: null, n_like: 1, posts: 0, responses: 0 },
      { kind: 'post', day: '2026-11-20', author: 'x:singer', engager: null, content_id: null, n_like: 0, posts: 3, responses: 0 },
    ]);
    expect(jazz.audiences.map((row) => [row.account, row.engagers])).toEqual([
      ['x:fan1', '1'],
      ['x:singer', '2'],
    ]);
    expect(jazz.aggregates.accounts).toEqual(['x:fan1', 'x:fan2', 'x:singer']);
    expect(jazz.aggregates.edges).toHaveLength(3);
    expect(jazz.topContent).toEqual(new Map([['x:singer', [{ contentId: 'p1', responses: 2 }]]]));
    const rock = await readPart(topics, 'rock', true);
    expect(rock.touched).toEqual(['x:fan9', 'x:singer']);
    expect(rock.window.map((row) => [row.author, row.engager, row.n_like])).toEqual([['x:singer', 'x:fan9', 4]]);
    const folk = await readPart(topics, 'folk', true);
    expect(folk).toMatchObject({ touched: [], window: [], audiences: [], aggregates: { accounts: [] } });
  });

  it('reads each topic read with others as it reads it alone', async () => {
    for (const topic of topics) {
      const together = await readPart(topics, topic.key, true);
      const alone = await readPart([topic], topic.key, false);
      expect(together).toEqual(alone);
    }
  });

  it('merges each topic of a full pass with the others as alone: its window file, its audiences, its aggregates, its top content, without the opted-out', async () => {
    const withoutDigests = [createHash('sha256').update('x:fan2').digest('hex')];
    await withDuckDb(async (db) => {
      const rows = (sql: string) => db.runAndReadAll(`${sql} ORDER BY ALL`).then((result) => result.getRowObjectsJson());
      const columns = (file: string) => db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`).then((result) => result.getRows());
      const merged = await mergeTopicWindows(db, topics, { firstDay, withoutDigests }, 'item');
      const topContent = await readTouchedTopContent(db, 'item', 5);
      const aggregates = await readMergedAggregates(db, 'item');
      // Written as a map item writes them: every topic's window file at once, from the item's table.
      const objects = new FolderObjectStore(join(scratch, 'item-objects'));
      const files = await PendingTopicFiles.open(db, join(scratch, 'item-files'), 'item');
      for (const { key } of topics)
        await files.add(
          {
            key,
            scores: { objectKey: `${key}/scores.parquet`, previous: null },
            explanations: { objectKey: `${key}/explanations.parquet`, audiences: merged.get(key)!.audiences, previous: null },
            window: { objectKey: `${key}/window.parquet`, table: 'item_window' },
          },
          listedAuthors([]),
          [],
          new Map(),
        );
      expect(await files.write(objects)).toEqual(new Map());
      for (const { key, window } of topics) {
        const alone = join(scratch, `${key}-alone.parquet`);
        await mergeTopicWindow(db, { previous: window.merged, deltas: window.deltas, firstDay, withoutDigests, output: alone });
        const [together] = await objects.localPaths([`${key}/window.parquet`]);
        expect(await columns(together!)).toEqual(await columns(alone));
        expect(await rows(`SELECT * FROM read_parquet('${together}')`)).toEqual(await rows(`SELECT * FROM read_parquet('${alone}')`));
        const aloneWindow = { merged: alone, deltas: [], firstDay };
        const sketches = (relation: string) => rows(`SELECT account, engagers, list_sort(sketch) AS sketch FROM ${relation}`);
        expect(await sketches(merged.get(key)!.audiences)).toEqual(await sketches(`(${audienceSketchesQuery(aloneWindow, null)})`));
        expect(topContent.get(key) ?? new Map()).toEqual(await readTopContent(db, aloneWindow, `SELECT author FROM read_parquet('${alone}')`, 5));
        const aggregatesAlone = await readTopicAggregates(db, aloneWindow);
        expect(aggregatesAlone.accounts.length).toBeGreaterThan(0);
        expect(inAnyOrder(aggregates.get(key)!)).toEqual(inAnyOrder(aggregatesAlone));
      }
      const jazz = await rows(`SELECT author, engager, n_like FROM ${windowRows(merged.get('jazz')!.window)} WHERE kind = 'edge'`);
      // x:fan2's like went with it; the drummer's, undone by its retraction, and the old fan's, before the window, were gone already.
      expect(jazz).toEqual([
        { author: 'x:bassist', engager: 'x:fan3', n_like: 1 },
        { author: 'x:fan1', engager: 'x:singer', n_like: 1 },
        { author: 'x:singer', engager: 'x:fan1', n_like: 2 },
      ]);
    });
  });

  it('numbers accounts in JavaScript’s order, also names past U+FFFF, whose UTF-8 bytes sort otherwise', async () => {
    // U+FF5E comes after U+1F600 in UTF-8's byte order, before it in UTF-16 code units (U+1F600 starts with the surrogate U+D83D).
    const [plain, fullwidth, astral] = ['x:a', 'x:\uFF5E', 'x:\u{1F600}'] as const;
    const astralWindow = await writeRows('astral-window', [
      ['edge', '2026-11-20', fullwidth, astral, null, 2, 0, 0],
      ['edge', '2026-11-20', astral, plain, null, 1, 0, 0],
      ['post', '2026-11-20', fullwidth, null, null, 0, 1, 0],
    ]);
    const window = { merged: astralWindow, deltas: [], firstDay };
    await withDuckDb(async (db) => {
      const alone = await readTopicAggregates(db, window);
      expect(alone.accounts).toEqual([plain, astral, fullwidth]);
      const named = (column: Uint32Array | Int32Array, r: number) => alone.accounts[column[r]!];
      expect(
        Array.from({ length: alone.edges.length }, (_, r) => [named(alone.edges.author, r), named(alone.edges.engager, r), alone.edges.like[r]]).sort(),
      ).toEqual(
        [
          [fullwidth, astral, 2],
          [astral, plain, 1],
        ].sort(),
      );
      expect(named(alone.posts.author, 0)).toBe(fullwidth);
      await mergeTopicWindows(db, [{ key: 'astral', window, deltas: [] }, topics[0]!], { firstDay, withoutDigests: [] }, 'item');
      const together = await readMergedAggregates(db, 'item');
      expect(inAnyOrder(together.get('astral')!)).toEqual(inAnyOrder(alone));
      expect(inAnyOrder(together.get('jazz')!)).toEqual(inAnyOrder(await readTopicAggregates(db, topics[0]!.window)));
      await dropTouchedParts(db, 'item');
    });
  });

  it('reads a full item’s aggregates by topic when a topic among them has content rows alone', async () => {
    // "poetry" sorts between "jazz" and "rock" and has no edge or post: numbering it would shift rock's rows.
    const poetryWindow = await writeRows('poetry-window', [['content', '2026-11-20', 'x:poet', null, 'poem', 0, 0, 3]]);
    const withPoetry = [...topics, { key: 'poetry', window: { merged: poetryWindow, deltas: [], firstDay }, deltas: [] }];
    await withDuckDb(async (db) => {
      await mergeTopicWindows(db, withPoetry, { firstDay, withoutDigests: [] }, 'item');
      const aggregates = await readMergedAggregates(db, 'item');
      expect(aggregates.has('poetry')).toBe(false);
      for (const { key, window } of topics) {
        const alone = await readTopicAggregates(db, { ...window, firstDay });
        expect(inAnyOrder(aggregates.get(key)!)).toEqual(inAnyOrder(alone));
      }
      await dropTouchedParts(db, 'item');
    });
  });
});
