import { describe, expect, it } from 'vitest';
import { discourseWebhook } from '../../../lib/domain/networks/discourse/source';
import { fixture } from '../../support/webhook-deliveries';
import { normalizeFixture, RECEIVED_AT } from './normalize-fixture';

const normalize = (file: string, event: string) => normalizeFixture(discourseWebhook, 'discourse', file, { event });
/** A fixture as Discourse could as well have sent it: the same post with some of its fields changed. */
const variant = (file: string, event: string, change: (post: Record<string, any>) => void) => {
  const payload = JSON.parse(fixture('discourse', file).toString('utf8'));
  change(payload.post ?? payload.like.post);
  return normalizeFixture(discourseWebhook, 'discourse', file, { event, body: Buffer.from(JSON.stringify(payload)) });
};
const nothing = { interactions: [], retractions: [], ignored: 1 };

describe('Discourse webhook deliveries', () => {
  it('reads a topic’s first post as a post in its category', () => {
    expect(normalize('post-created-topic.json', 'post_created').interactions).toEqual([
      {
        id: 'post:51207',
        network: 'discourse',
        type: 'post',
        actor: { id: 'hana_k', handle: 'Hana_K' },
        contentId: '8841/1',
        text: expect.stringContaining('Arrow IPC a better fit for the hot path? #streaming'),
        topics: ['data-engineering'],
        occurredAt: '2026-11-20T08:14:22.918Z',
      },
    ]);
  });

  it('reads a reply as a reply to the author of the post it answers, and its edit as the same post', () => {
    const reply = {
      id: 'post:51219',
      network: 'discourse',
      type: 'reply',
      actor: { id: 'sven.olsen', handle: 'sven.olsen' },
      target: { id: 'hana_k', handle: 'Hana_K' },
      contentId: '8841/2',
      parentContentId: '8841/1',
      text: expect.stringContaining('Größere Batches helfen. 🚀'),
      topics: ['data-engineering'],
      occurredAt: '2026-11-20T09:02:47.310Z',
    };
    expect(normalize('post-created-reply.json', 'post_created').interactions).toEqual([reply]);
    expect(normalize('post-edited-reply.json', 'post_edited').interactions).toEqual([{ ...reply, text: expect.stringContaining('Edit: link') }]);
  });

  it('reads a like as a like of the post’s author', () => {
    expect(normalize('post-liked.json', 'post_liked').interactions).toEqual([
      {
        id: 'like:51207:sven.olsen',
        network: 'discourse',
        type: 'like',
        actor: { id: 'sven.olsen', handle: 'sven.olsen' },
        target: { id: 'hana_k', handle: 'Hana_K' },
        parentContentId: '8841/1',
        topics: ['data-engineering'],
        occurredAt: RECEIVED_AT.toISOString(),
      },
    ]);
  });

  it('reads a destroyed post as the retraction of that post', () => {
    expect(normalize('post-destroyed.json', 'post_destroyed').retractions).toEqual([
      { kind: 'content', network: 'discourse', contentId: '8841/3', retractedAt: '2026-11-20T11:30:12.044Z' },
    ]);
  });

  it('retracts a destroyed post whose author’s account was deleted (username null)', () => {
    expect(normalize('post-destroyed-author-deleted.json', 'post_destroyed')).toEqual({
      interactions: [],
      retractions: [{ kind: 'content', network: 'discourse', contentId: '8841/4', retractedAt: '2026-11-20T19:02:44.098Z' }],
      ignored: 0,
    });
  });

  it('reads a reply that does not name the author it answers as a post', () => {
    const unnamed = variant('post-created-reply.json', 'post_created', (post) => delete post.reply_to_user);
    expect(unnamed.interactions).toEqual([expect.objectContaining({ id: 'post:51219', type: 'post', contentId: '8841/2' })]);
    expect(unnamed.interactions[0]).not.toHaveProperty('target');
  });

  it('reads a post in no category without topics', () => {
    const uncategorized = variant('post-created-topic.json', 'post_created', (post) => delete post.category_slug);
    expect(uncategorized.interactions[0]).not.toHaveProperty('topics');
  });

  it('keeps the first 20,000 characters of a long post, never half an emoji', () => {
    const textOf = (raw: string) => variant('post-created-topic.json', 'post_created', (post) => (post.raw = raw)).interactions[0]?.text;
    // The emoji straddles the limit: it goes whole.
    expect(textOf(`${'a'.repeat(19_999)}🚀 and the rest of the benchmark`)).toBe('a'.repeat(19_999));
    // An emoji well inside the limit stays, and the cut falls on the limit.
    expect(textOf(`🚀${'a'.repeat(25_000)}`)).toBe(`🚀${'a'.repeat(19_998)}`);
    // Only text over the limit is cut: 20,000 characters are kept as they are, whatever the last one is.
    const atTheLimit = `${'a'.repeat(19_999)}\ud83d`;
    expect(textOf(atTheLimit)).toBe(atTheLimit);
  });

  it('never scores whispers or small actions, nor retracts, nor credits likes of, posts that are not public', () => {
    for (const postType of [2, 3, 4]) expect(variant('post-created-topic.json', 'post_created', (post) => (post.post_type = postType))).toEqual(nothing);
    expect(variant('post-destroyed.json', 'post_destroyed', (post) => (post.topic_archetype = 'private_message'))).toEqual(nothing);
    expect(variant('post-liked.json', 'post_liked', (post) => (post.topic_archetype = 'private_message'))).toEqual(nothing);
    // Nor a like of a post whose author’s account is deleted: no one to credit it to.
    expect(variant('post-liked.json', 'post_liked', (post) => (post.username = null))).toEqual(nothing);
  });

  it('never scores private messages, and acknowledges topic events and the ping as ignored', () => {
    expect(normalize('post-created-private-message.json', 'post_created')).toEqual({ interactions: [], retractions: [], ignored: 1 });
    expect(normalize('topic-created.json', 'topic_created')).toEqual({ interactions: [], retractions: [], ignored: 1 });
    expect(normalize('ping.json', 'ping')).toEqual({ interactions: [], retractions: [], ignored: 1 });
  });
});
