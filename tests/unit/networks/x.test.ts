import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { notAfter } from '../../../lib/domain/networks/normalized';
import { crcResponseToken, xWebhook } from '../../../lib/domain/networks/x/source';
import { fixture, providerHeaders, testSecrets } from '../../support/webhook-deliveries';
import { normalizeFixture, parseFails, RECEIVED_AT } from './normalize-fixture';

const normalize = (file: string, body?: Buffer) => normalizeFixture(xWebhook, 'x', file, body ? { body } : {});

/** A fixture as X could as well have sent it: the same delivery with some of its fields changed. */
const variant = (file: string, change: (delivery: Record<string, any>) => void) => {
  const delivery = JSON.parse(fixture('x', file).toString('utf8'));
  change(delivery);
  return normalize(file, Buffer.from(JSON.stringify(delivery)));
};

const THEO = { id: '887341290113236992', handle: 'theo_lindqvist' };
const REPLY = '1991512084417667072';
const mentionOf = (text: string, screenName: string, idStr: string) => {
  const start = text.indexOf(`@${screenName}`);
  return { screen_name: screenName, id_str: idStr, indices: [start, start + screenName.length + 1] };
};

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

  it('reads a tweet that answers no tweet as a post, and the user it opens with as a mention', () => {
    const text = '@lio_ferreira have you seen the unfolding? Ça change tout. #HiggsBoson';
    const { interactions } = variant('tweet-reply-extended.json', (delivery) => {
      const tweet = delivery.tweet_create_events[0];
      // A tweet that opens with @name may carry in_reply_to_user_id without answering any tweet (in_reply_to_status_id null).
      Object.assign(tweet, {
        text,
        truncated: false,
        in_reply_to_status_id: null,
        in_reply_to_status_id_str: null,
        in_reply_to_user_id: 40298123,
        in_reply_to_user_id_str: '40298123',
        in_reply_to_screen_name: 'lio_ferreira',
        entities: {
          hashtags: [{ text: 'HiggsBoson', indices: [59, 70] }],
          urls: [],
          user_mentions: [mentionOf(text, 'lio_ferreira', '40298123')],
          symbols: [],
        },
      });
      // Without tweet_mode=extended there is no display_text_range: the whole text is displayed.
      delete tweet.display_text_range;
      delete tweet.extended_tweet;
    });
    const base = { network: 'x', actor: THEO, contentId: REPLY, topics: ['higgsboson'], occurredAt: '2026-11-20T14:03:11.000Z' };
    expect(interactions).toEqual([
      { ...base, id: REPLY, type: 'post', text },
      { ...base, id: `${REPLY}:mention:40298123`, type: 'mention', target: { id: '40298123', handle: 'lio_ferreira' } },
    ]);
  });

  it('reads a reply to one’s own tweet, the next tweet of a thread, as a post', () => {
    const { interactions } = variant('tweet-reply-extended.json', (delivery) => {
      const tweet = delivery.tweet_create_events[0];
      Object.assign(tweet, {
        text: '2/ The unfolding is where it gets interesting. #HiggsBoson',
        display_text_range: [0, 58],
        in_reply_to_status_id_str: '1991512000000000000',
        in_reply_to_user_id_str: THEO.id,
        in_reply_to_screen_name: THEO.handle,
        entities: { hashtags: [{ text: 'HiggsBoson', indices: [47, 58] }], urls: [], user_mentions: [], symbols: [] },
      });
      delete tweet.extended_tweet;
    });
    expect(interactions).toEqual([
      {
        id: REPLY,
        network: 'x',
        type: 'post',
        actor: THEO,
        contentId: REPLY,
        text: '2/ The unfolding is where it gets interesting. #HiggsBoson',
        topics: ['higgsboson'],
        occurredAt: '2026-11-20T14:03:11.000Z',
      },
    ]);
  });

  it('leaves out every @name X puts before a reply’s text, and mentions the users named in the text', () => {
    const text = '@mara_quantum @lio_ferreira Agreed, the unfolding is the key. @priya_nr this is the plot I meant';
    const { interactions } = variant('tweet-reply-extended.json', (delivery) => {
      const tweet = delivery.tweet_create_events[0];
      // A short reply: no extended_tweet, the display range on the tweet itself.
      Object.assign(tweet, {
        text,
        truncated: false,
        display_text_range: [28, text.length],
        entities: {
          hashtags: [],
          urls: [],
          user_mentions: [
            mentionOf(text, 'mara_quantum', '1327465039224832001'),
            mentionOf(text, 'lio_ferreira', '40298123'),
            mentionOf(text, 'priya_nr', '3011877412'),
          ],
          symbols: [],
        },
      });
      delete tweet.extended_tweet;
    });
    expect(interactions.map((interaction) => [interaction.type, interaction.target])).toEqual([
      ['reply', { id: '1327465039224832001', handle: 'mara_quantum' }],
      ['mention', { id: '3011877412', handle: 'priya_nr' }],
    ]);
    // A mention whose indices are missing counts as written in the text.
    const withoutIndices = variant('tweet-reply-extended.json', (delivery) => {
      delete delivery.tweet_create_events[0].extended_tweet.entities.user_mentions[1].indices;
    });
    expect(withoutIndices.interactions.map((interaction) => interaction.id)).toEqual([REPLY, `${REPLY}:mention:40298123`]);
  });

  it('mentions neither the author nor the account a tweet quotes, wherever the text names them', () => {
    const text = 'This figure by @mara_quantum (thread by me, @theo_lindqvist, below) 👇 #HiggsBoson https://t.co/QmS4v8p1xz';
    const { interactions } = variant('retweet-and-quote.json', (delivery) => {
      const quote = delivery.tweet_create_events[1];
      Object.assign(quote, {
        text,
        display_text_range: [0, text.length - 24],
        entities: {
          hashtags: [{ text: 'HiggsBoson', indices: [text.indexOf('#'), text.indexOf('#') + 11] }],
          urls: [],
          user_mentions: [mentionOf(text, 'mara_quantum', '1327465039224832001'), mentionOf(text, 'theo_lindqvist', THEO.id)],
          symbols: [],
        },
      });
    });
    expect(interactions.map((interaction) => interaction.type)).toEqual(['share', 'quote']);
  });

  it('reads a reply whose entities are missing as the reply alone, without topics or mentions', () => {
    const { interactions } = variant('tweet-reply-extended.json', (delivery) => {
      delete delivery.tweet_create_events[0].extended_tweet;
      delete delivery.tweet_create_events[0].entities;
    });
    expect(interactions).toEqual([
      {
        id: REPLY,
        network: 'x',
        type: 'reply',
        actor: THEO,
        target: { id: '1327465039224832001', handle: 'mara_quantum' },
        contentId: REPLY,
        parentContentId: '1991498807713271808',
        text: '@mara_quantum Beautiful result — the error bars on the 3σ bump finally make sense to me. @lio_ferreira have you seen… https://t.co/Zk3pQ1vXcE',
        occurredAt: '2026-11-20T14:03:11.000Z',
      },
    ]);
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
    expect(retractions).toEqual([{ kind: 'interaction', network: 'x', id: 'follow:70231190:1327465039224832001', retractedAt: '2026-11-20T17:23:40.017Z' }]);
  });

  it('acknowledges a follow event of another type than follow or unfollow as ignored', () => {
    expect(variant('follows.json', (delivery) => (delivery.follow_events[0].type = 'follow_request'))).toEqual({
      interactions: [],
      retractions: [{ kind: 'interaction', network: 'x', id: 'follow:70231190:1327465039224832001', retractedAt: '2026-11-20T17:23:40.017Z' }],
      ignored: 1,
    });
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

  it('counts each event of the kinds it does not read, and nothing in a kind that is null', () => {
    const twoMessages = variant('direct-message.json', (delivery) => {
      const [message] = delivery.direct_message_events;
      delivery.direct_message_events.push({ ...message, id: '1991560000000000002', created_timestamp: '1795195560000' });
      delivery.direct_message_indicate_typing_events = null;
      delivery.tweet_delete_events = null;
    });
    expect(twoMessages).toEqual({ interactions: [], retractions: [], ignored: 2 });
    // A revoked subscription delivered beside a like is one more event, counted but not stored.
    const likeAndRevoke = variant('favorite.json', (delivery) => {
      delivery.user_event = JSON.parse(fixture('x', 'user-event-revoke.json').toString('utf8')).user_event;
    });
    expect(likeAndRevoke.interactions.map((interaction) => interaction.id)).toEqual(['fav:1991498807713271808:3011877412']);
    expect(likeAndRevoke.ignored).toBe(1);
  });

  it('acknowledges a delivery that carries no event at all as one ignored event', () => {
    const empty = variant('favorite.json', (delivery) => {
      delete delivery.favorite_events;
      delivery.tweet_create_events = [];
    });
    expect(empty).toEqual({ interactions: [], retractions: [], ignored: 1 });
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

  it('refuses a time it cannot read, and says where and why', () => {
    const reasons = (document: unknown) => {
      const parsed = xWebhook.parse(document, { body: Buffer.alloc(0), header: () => undefined, receivedAt: RECEIVED_AT });
      return parsed.success ? [] : parsed.issues.map((issue) => ({ path: issue.path.join('.'), reason: issue.message }));
    };
    const tweet = { id_str: '2', created_at: 'yesterday', user: { id_str: '3' } };
    expect(reasons({ for_user_id: '1', tweet_create_events: [tweet] })).toEqual([{ path: 'tweet_create_events.0.created_at', reason: 'not a readable date' }]);
    const follow = (createdTimestamp: string) => ({
      for_user_id: '1',
      follow_events: [{ type: 'follow', created_timestamp: createdTimestamp, source: { id: '2' }, target: { id: '1' } }],
    });
    expect(reasons(follow('1795195001552'))).toEqual([]);
    // The year 10000 and later have no ISO-8601 form of four digits.
    expect(reasons(follow('253402300800000'))).toEqual([{ path: 'follow_events.0.created_timestamp', reason: 'not a time' }]);
    // Milliseconds are a string of digits only: no sign, no fraction.
    expect(parseFails(xWebhook, follow('-1795195001552'))).toBe(true);
    expect(parseFails(xWebhook, follow('1795195001552.5'))).toBe(true);
  });
});

describe('X signatures', () => {
  it('answers the CRC with the base64 HMAC-SHA256 of the token under the consumer secret', () => {
    const expected = createHmac('sha256', 'consumer-secret').update('crc-token-1').digest('base64');
    expect(crcResponseToken('consumer-secret', 'crc-token-1')).toBe(`sha256=${expected}`);
  });

  it('answers its subscription check with the current consumer secret, which is the one X holds', () => {
    const check = xWebhook.subscriptionCheck!;
    expect(check.secret).toBe(xWebhook.secret);
    expect(check.answer({ crc_token: 'crc-token-1' }, { current: 'consumer-secret', accepted: ['consumer-secret', 'old'] })).toEqual({
      json: { response_token: crcResponseToken('consumer-secret', 'crc-token-1') },
    });
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
          // The very moment the delivery arrived is not after it: kept as the provider wrote it.
          { id: 'c', network: 'x', type: 'post', actor: { id: '1' }, occurredAt: '2026-11-20T17:00:00+02:00' },
        ],
        retractions: [{ kind: 'content', network: 'x', contentId: 'c', retractedAt: '2030-01-01T00:00:00+02:00' }],
        ignored: 0,
      },
      receivedAt,
    );
    expect(normalized.interactions.map((interaction) => interaction.occurredAt)).toEqual([
      '2026-11-20T14:00:00.000Z',
      '2026-11-20T15:00:00.000Z',
      '2026-11-20T17:00:00+02:00',
    ]);
    expect(normalized.retractions[0]?.retractedAt).toBe('2026-11-20T15:00:00.000Z');
  });
});
