import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { notAfter } from '../../../lib/networks/normalized';
import { crcResponseToken, xWebhook } from '../../../lib/networks/x/source';
import { fixture, providerHeaders, testSecrets } from '../../support/webhook-deliveries';
import { normalizeFixture, parseFails, RECEIVED_AT } from './normalize-fixture';

const normalize = (file: string, body?: Buffer) => normalizeFixture(xWebhook, 'x', file, body ? { body } : {});

describe('X Account Activity deliveries', () => {
  it('reads an extended reply: the whole text, its hashtags, the reply and the mention written in the text', () => {
    const { interactions, retractions, ignored } = normalize('tweet-reply-extended.json');
    expect(retractions).toEqual([]);
    expect(ignored).toBe(0);
    const [reply, mention, ...rest] = interactions;
    expect(rest).toEqual([]);
    expect(reply).toEqual({
      id: '1991512084417667072',
      network: 'x',
      type: 'reply',
      actor: { id: '887341290113236992', handle: 'theo_lindqvist' },
      target: { id: '1327465039224832001', handle: 'mara_quantum' },
      contentId: '1991512084417667072',
      parentContentId: '1991498807713271808',
      text: expect.stringContaining('Ça change tout. #ParticlePhysics #HiggsBoson'),
      topics: ['particlephysics', 'higgsboson'],
      occurredAt: '2026-11-20T14:03:11.000Z',
    });
    // @mara_quantum opens the reply (outside display_text_range) and is its target: no extra mention.
    expect(mention).toMatchObject({
      id: '1991512084417667072:mention:40298123',
      type: 'mention',
      actor: { id: '887341290113236992' },
      target: { id: '40298123', handle: 'lio_ferreira' },
      contentId: '1991512084417667072',
    });
  });

  it('reads a retweet as a share of the original and a quote tweet as a quote', () => {
    const { interactions } = normalize('retweet-and-quote.json');
    expect(interactions).toEqual([
      {
        id: '1991529085223964673',
        network: 'x',
        type: 'share',
        actor: { id: '40298123', handle: 'lio_ferreira' },
        target: { id: '1327465039224832001', handle: 'mara_quantum' },
        contentId: '1991529085223964673',
        parentContentId: '1991498807713271808',
        topics: ['higgsboson'],
        occurredAt: '2026-11-20T15:10:45.000Z',
      },
      expect.objectContaining({
        id: '1991552561532571650',
        type: 'quote',
        target: { id: '1327465039224832001', handle: 'mara_quantum' },
        parentContentId: '1991498807713271808',
        text: 'This is the figure everyone should be looking at 👇 #HiggsBoson https://t.co/QmS4v8p1xz',
      }),
    ]);
  });

  it('reads a like with the liked tweet’s hashtags, keyed by tweet and user', () => {
    expect(normalize('favorite.json').interactions).toEqual([
      {
        id: 'fav:1991498807713271808:3011877412',
        network: 'x',
        type: 'like',
        actor: { id: '3011877412', handle: 'priya_nr' },
        target: { id: '1327465039224832001', handle: 'mara_quantum' },
        parentContentId: '1991498807713271808',
        topics: ['higgsboson'],
        occurredAt: '2026-11-20T17:02:19.000Z',
      },
    ]);
  });

  it('reads a follow as a follow and an unfollow as the retraction of that follow', () => {
    const { interactions, retractions } = normalize('follows.json');
    expect(interactions).toEqual([
      {
        id: 'follow:3011877412:1327465039224832001',
        network: 'x',
        type: 'follow',
        actor: { id: '3011877412', handle: 'priya_nr' },
        target: { id: '1327465039224832001', handle: 'mara_quantum' },
        occurredAt: '2026-11-20T17:16:41.552Z',
      },
    ]);
    expect(retractions).toEqual([
      { kind: 'interaction', network: 'x', id: 'follow:70231190:1327465039224832001', retractedAt: '2026-11-20T17:23:40.017Z' },
    ]);
  });

  it('reads a deleted tweet as the retraction of everything that tweet brought', () => {
    expect(normalize('tweet-delete.json')).toEqual({
      interactions: [],
      retractions: [{ kind: 'content', network: 'x', contentId: '1991552561532571650', retractedAt: '2026-11-20T19:00:00.000Z' }],
      ignored: 0,
    });
  });

  it('acknowledges direct messages as ignored', () => {
    expect(normalize('direct-message.json')).toEqual({ interactions: [], retractions: [], ignored: 1 });
  });

  it('acknowledges a revoked subscription (user_event, the one kind without for_user_id) as ignored', () => {
    expect(normalize('user-event-revoke.json')).toEqual({ interactions: [], retractions: [], ignored: 1 });
  });

  it('reads follows whose users carry only `id`, as Account Activity sends them', () => {
    expect(normalize('follow-events-account-activity-users.json')).toEqual({
      interactions: [
        {
          id: 'follow:1588300274416521216:1327465039224832001',
          network: 'x',
          type: 'follow',
          actor: { id: '1588300274416521216', handle: 'noor_ahmadi' },
          target: { id: '1327465039224832001', handle: 'mara_quantum' },
          occurredAt: '2026-11-20T20:22:00.431Z',
        },
      ],
      retractions: [{ kind: 'interaction', network: 'x', id: 'follow:2750183311:1327465039224832001', retractedAt: '2026-11-20T20:27:00.002Z' }],
      ignored: 0,
    });
  });

  it('maps the copies X sends for each subscribed user to the same ids', () => {
    const original = fixture('x', 'favorite.json');
    const forLiker = Buffer.from(original.toString('utf8').replace('"for_user_id": "1327465039224832001"', '"for_user_id": "3011877412"'));
    expect(forLiker.equals(original)).toBe(false);
    expect(normalize('favorite.json', forLiker)).toEqual(normalize('favorite.json'));
  });

  it('refuses a tweet without its author or with an unreadable date', () => {
    expect(parseFails(xWebhook, { for_user_id: '1', tweet_create_events: [{ id_str: '2', created_at: 'Fri Nov 20 14:03:11 +0000 2026' }] })).toBe(true);
    expect(parseFails(xWebhook, { for_user_id: '1', tweet_create_events: [{ id_str: '2', created_at: 'yesterday', user: { id_str: '3' } }] })).toBe(true);
    expect(parseFails(xWebhook, { tweet_create_events: [] })).toBe(true);
  });
});

describe('X signatures', () => {
  it('answers the CRC with the base64 HMAC-SHA256 of the token under the consumer secret', () => {
    const expected = createHmac('sha256', 'consumer-secret').update('crc-token-1').digest('base64');
    expect(crcResponseToken('consumer-secret', 'crc-token-1')).toBe(`sha256=${expected}`);
  });

  it('accepts the body X signed and nothing else', () => {
    const body = fixture('x', 'favorite.json');
    const headers = providerHeaders('x', body);
    const signed = headers['x-twitter-webhooks-signature'];
    const delivery = (bytes: Buffer, signature: string | undefined) => ({
      body: bytes,
      header: (name: string) => (name === 'x-twitter-webhooks-signature' ? signature : undefined),
      receivedAt: RECEIVED_AT,
    });
    expect(xWebhook.verify(testSecrets.x, delivery(body, signed))).toEqual({ ok: true });
    expect(xWebhook.verify(testSecrets.x, delivery(Buffer.concat([body, Buffer.from(' ')]), signed)).ok).toBe(false);
    expect(xWebhook.verify('another-secret', delivery(body, signed)).ok).toBe(false);
    expect(xWebhook.verify(testSecrets.x, delivery(body, undefined)).ok).toBe(false);
    // Hex instead of base64 is X's rule broken.
    const hex = `sha256=${createHmac('sha256', testSecrets.x).update(body).digest('hex')}`;
    expect(xWebhook.verify(testSecrets.x, delivery(body, hex)).ok).toBe(false);
  });
});

describe('provider times', () => {
  it('never dates an interaction or a retraction after the delivery arrived', () => {
    const receivedAt = new Date('2026-11-20T15:00:00Z');
    const normalized = notAfter(
      {
        interactions: [
          { id: 'a', network: 'x', type: 'post', actor: { id: '1' }, occurredAt: '2026-11-20T14:00:00.000Z' },
          { id: 'b', network: 'x', type: 'post', actor: { id: '1' }, occurredAt: '2031-01-01T00:00:00.000Z' },
        ],
        retractions: [{ kind: 'content', network: 'x', contentId: 'c', retractedAt: '2030-01-01T00:00:00+02:00' }],
        ignored: 0,
      },
      receivedAt,
    );
    expect(normalized.interactions.map((interaction) => interaction.occurredAt)).toEqual(['2026-11-20T14:00:00.000Z', '2026-11-20T15:00:00.000Z']);
    expect(normalized.retractions[0]?.retractedAt).toBe('2026-11-20T15:00:00.000Z');
  });
});
