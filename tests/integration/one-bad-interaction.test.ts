/**
 * No interaction, however shaped, takes the rest of its delivery down (issue 11, finding 2): an
 * acknowledged interaction is applied whatever arrives beside it, at every limit the contract
 * allows, and a topic exists only once an applied interaction earns someone a score in it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Interaction } from '../../lib/domain/interactions/schema';
import { sqlFiles, sqlString, withDuckDb } from '../../lib/adapters/duckdb/duckdb';
import { startInProcessSway, type InProcessSway } from '../support/in-process-sway';
import { interaction } from '../support/interactions';
import { waitFor } from '../support/wait-for';

let sway: InProcessSway;
beforeAll(async () => {
  // The local consumer reports the messages that fail; here failing is the point.
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  sway = await startInProcessSway();
  await sway.startConsumers();
});
afterAll(async () => {
  await sway.stopConsumers();
  vi.restoreAllMocks();
});

const stats = async () => JSON.parse((await sway.admin('GET', '/v1/admin/stats')).body) as { interactions: number; pending: number; deadLetters: number };

const ingest = async (interactions: Interaction[]) => {
  const answer = await sway.ingest(JSON.stringify({ interactions }));
  expect(answer.status).toBe(202);
  return JSON.parse(answer.body) as { accepted: number };
};

const settled = (deadLetters: number) =>
  waitFor(
    `the queue to settle with ${deadLetters} dead letters`,
    async () => {
      const now = await stats();
      return now.pending === 0 && now.deadLetters === deadLetters ? now : undefined;
    },
    120_000,
  );

/** The interaction log's rows of this interaction id: its topics as the log holds them. */
const loggedTopics = async (id: string) => {
  const files = await sway.objects.localPaths(await sway.objects.list('log/'));
  return withDuckDb(async (db) => {
    const rows = (
      await db.runAndReadAll(`SELECT topics FROM read_parquet(${sqlFiles(files)}, union_by_name = true) WHERE id = ${sqlString(id)}`)
    ).getRowObjectsJson();
    return rows.map((row) => (row.topics as string[]).slice().sort());
  });
};

const account = async (network: string, id: string) => {
  const answer = await sway.request({ method: 'GET', url: `/v1/accounts/${network}/${encodeURIComponent(id)}` });
  return {
    status: answer.status,
    body: answer.status === 200 ? (JSON.parse(answer.body) as { handle: string | null; topics: { topic: string; rank: number }[] }) : null,
  };
};

describe('one interaction beside others', () => {
  it('a post with 300 hashtags keeps 20 topics and its sibling reply is applied', async () => {
    const hashtags = Array.from({ length: 300 }, (_, i) => `#crowd${i}`).join(' ');
    const post = interaction({
      type: 'post',
      id: 'hashtag-flood',
      actor: { id: 'flooder' },
      text: `look ${hashtags}`,
      contentId: 'flood-post',
      topics: ['explicit'],
    });
    const reply = interaction({ type: 'reply', id: 'ordinary-reply', actor: { id: 'replier' }, target: { id: 'author' }, topics: ['physics'] });
    expect((await ingest([post, reply])).accepted).toBe(2);
    await settled(0);

    // The post's explicit topic and its first 19 hashtags: nothing else.
    expect(await loggedTopics('hashtag-flood')).toEqual([['explicit', ...Array.from({ length: 19 }, (_, i) => `crowd${i}`)].sort()]);
    expect(await loggedTopics('ordinary-reply')).toEqual([['physics']]);
    await sway.recompute();
    expect((await stats()).interactions).toBe(2);
    expect((await account('x', 'author')).body?.topics.map((topic) => topic.topic)).toEqual(['physics']);
    // A topic exists once an applied interaction earns someone a score in it: the post's hashtags earned nobody anything.
    const topics = JSON.parse((await sway.request({ method: 'GET', url: '/v1/topics' })).body) as { items: { topic: string }[] };
    expect(topics.items.map((item) => item.topic)).toEqual(['physics']);
  });

  it('interactions at every limit the contract allows are applied and scored beside ordinary ones', async () => {
    const before = await stats();
    // Three-byte characters at the longest ids, handles and content ids, 20 topics and 20,000 characters of text.
    const wide = (prefix: string, length: number) => `${prefix}-${'中'.repeat(length - prefix.length - 1)}`;
    const topics = Array.from({ length: 20 }, (_, i) => `limit-${i}`);
    const authors = Array.from({ length: 120 }, (_, i) => ({ id: wide(`a${i}`, 256), handle: wide(`h${i}`, 256) }));
    const atTheLimits = authors.map((author, i) =>
      interaction({
        type: 'reply',
        id: wide(`r${i}`, 512),
        actor: { id: wide(`f${i}`, 256), handle: wide(`fh${i}`, 256) },
        target: author,
        contentId: wide(`c${i}`, 512),
        parentContentId: wide(`p${i}`, 512),
        topics,
        ...(i < 10 ? { text: '字'.repeat(20_000) } : {}),
      }),
    );
    const ordinary = interaction({ type: 'like', id: 'ordinary-like', actor: { id: 'plain-fan' }, target: { id: 'plain' }, topics: ['calm'] });
    for (let first = 0; first < atTheLimits.length; first += 20)
      expect((await ingest(atTheLimits.slice(first, first + 20))).accepted).toBe(Math.min(20, atTheLimits.length - first));
    expect((await ingest([ordinary])).accepted).toBe(1);
    await settled(before.deadLetters);

    await sway.recompute();
    expect((await stats()).interactions - before.interactions).toBe(121);
    expect((await account('x', 'plain')).body?.topics).toEqual([{ topic: 'calm', score: 100, rank: 1 }]);
    const widest = await account('x', authors[7]!.id);
    expect(widest.body).toMatchObject({ handle: authors[7]!.handle });
    expect(widest.body!.topics.map((topic) => topic.topic).sort()).toEqual([...topics].sort());
    // A board page of 100 of the widest entries.
    const board = JSON.parse((await sway.request({ method: 'GET', url: '/v1/topics/limit-3/leaderboard?limit=100' })).body) as {
      items: { id: string }[];
      nextCursor: string;
    };
    expect(board.items).toHaveLength(100);
    const rest = JSON.parse((await sway.request({ method: 'GET', url: `/v1/topics/limit-3/leaderboard?limit=100&cursor=${board.nextCursor}` })).body) as {
      items: { id: string }[];
    };
    expect(new Set([...board.items, ...rest.items].map((entry) => entry.id))).toEqual(new Set(authors.map((author) => author.id)));
  }, 180_000);
});
