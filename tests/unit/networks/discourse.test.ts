import { describe, expect, it } from 'vitest';
import { discourseWebhook } from '../../../lib/networks/discourse/source';
import { normalizeFixture, RECEIVED_AT } from './normalize-fixture';

const normalize = (file: string, event: string) => normalizeFixture(discourseWebhook, 'discourse', file, { event });

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

  it('never scores private messages, and acknowledges topic events and the ping as ignored', () => {
    expect(normalize('post-created-private-message.json', 'post_created')).toEqual({ interactions: [], retractions: [], ignored: 1 });
    expect(normalize('topic-created.json', 'topic_created')).toEqual({ interactions: [], retractions: [], ignored: 1 });
    expect(normalize('ping.json', 'ping')).toEqual({ interactions: [], retractions: [], ignored: 1 });
  });
});
