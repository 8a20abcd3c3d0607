/**
 * No interaction, however shaped, takes the rest of its delivery down (issue 11, finding 2): an
 * acknowledged interaction is applied whatever arrives beside it, and a topic exists only once an
 * applied interaction carries it.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Interaction } from '../../lib/interactions/schema';
import { keys } from '../../lib/store/keys';
import { queues } from '../../lib/workers';
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
  waitFor(`the queue to settle with ${deadLetters} dead letters`, async () => {
    const now = await stats();
    return now.pending === 0 && now.deadLetters === deadLetters ? now : undefined;
  }, 120_000);

describe('one interaction beside others', () => {
  it('a post with 300 hashtags keeps 20 topics and its sibling reply is applied', async () => {
    const hashtags = Array.from({ length: 300 }, (_, i) => `#crowd${i}`).join(' ');
    const post = interaction({ type: 'post', id: 'hashtag-flood', actor: { id: 'flooder' }, text: `look ${hashtags}`, contentId: 'flood-post', topics: ['explicit'] });
    const reply = interaction({ type: 'reply', id: 'ordinary-reply', actor: { id: 'replier' }, target: { id: 'author' }, topics: ['physics'] });
    expect((await ingest([post, reply])).accepted).toBe(2);
    const after = await settled(0);
    expect(after.interactions).toBe(2);

    const topics = await sway.store.registeredTopics();
    // The post's explicit topic, its first 19 hashtags, and the reply's topic: nothing else.
    expect(topics.sort()).toEqual(['explicit', 'physics', ...Array.from({ length: 19 }, (_, i) => `crowd${i}`)].sort());
    await sway.recompute();
    const author = await sway.request({ method: 'GET', url: '/v1/accounts/x/author' });
    expect(author.status).toBe(200);
    expect(JSON.parse(author.body).topics.map((topic: { topic: string }) => topic.topic)).toEqual(['physics']);
  });

  it('what the store cannot hold is dead-lettered alone, and everything beside it is applied', async () => {
    const before = await stats();
    // DynamoDB holds at most 400 KB in one item. The list of what one piece of content brought is
    // nearly full here (as after some 800 interactions with long ids): the interactions that would
    // push it past the limit cannot be applied, and every other one of their messages must be.
    const filler = new Set(Array.from({ length: 800 }, (_, i) => `${String(i).padStart(6, '0')}-${'x'.repeat(494)}`));
    await sway.tables.db.send(
      new UpdateCommand({ TableName: sway.tables.mainTable, Key: keys.contentInteractions('x', 'one-thread'), UpdateExpression: 'ADD interactionIds :ids', ExpressionAttributeValues: { ':ids': filler } }),
    );
    const longId = (i: number) => `crowd-${String(i).padStart(3, '0')}-${'y'.repeat(490)}`;
    const crowd = Array.from({ length: 30 }, (_, i) =>
      interaction({ type: 'reply', id: longId(i), actor: { id: `crowd-${i}` }, target: { id: 'crowded' }, contentId: 'one-thread', topics: ['crowd', `crowd-${i}`] }),
    );
    const bystanders = Array.from({ length: 30 }, (_, i) => interaction({ type: 'like', id: `bystander-${i}`, actor: { id: `fan-${i}` }, target: { id: 'bystander' }, topics: ['calm'] }));
    // Interleaved, so bystanders share messages (and transactions) with the interactions that cannot be stored.
    const delivery = crowd.flatMap((reply, i) => [bystanders[i]!, reply]);
    expect((await ingest(delivery)).accepted).toBe(60);

    const deadLetters = await waitFor('the crowd to overflow', async () => {
      const now = await stats();
      return now.pending === 0 && now.deadLetters > before.deadLetters ? now.deadLetters - before.deadLetters : undefined;
    }, 120_000);
    const after = await stats();
    // Every bystander, and every crowd reply the store could hold, applied; the rest dead-lettered one by one.
    expect(after.interactions - before.interactions + deadLetters).toBe(60);
    const letters = await sway.queue.deadLetters(queues.interactions.name);
    const lettered = letters.slice(-deadLetters).map((letter) => JSON.parse(letter.body) as { interactions: Interaction[] });
    for (const letter of lettered) {
      expect(letter.interactions).toHaveLength(1);
      expect(letter.interactions[0]!.contentId).toBe('one-thread');
    }
    // A topic exists only once an applied interaction carries it: none of the dead-lettered ones' own topics.
    const registered = new Set(await sway.store.registeredTopics());
    expect(registered.has('calm')).toBe(true);
    for (const letter of lettered) expect(registered.has(letter.interactions[0]!.topics![1]!)).toBe(false);
    await sway.recompute();
    const bystander = JSON.parse((await sway.request({ method: 'GET', url: '/v1/accounts/x/bystander' })).body) as { topics: { topic: string }[] };
    expect(bystander.topics.map((topic) => topic.topic)).toEqual(['calm']);
  }, 180_000);
});
