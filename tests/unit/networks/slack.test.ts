import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { slackWebhook, verifySlackRequest } from '../../../lib/domain/networks/slack/source';
import { fixture } from '../../support/webhook-deliveries';
import { normalizeFixture } from './normalize-fixture';

const normalize = (file: string) => normalizeFixture(slackWebhook, 'slack', file);
/** A fixture as Slack could as well have sent it: the same request with some of its fields changed. */
const variant = (file: string, change: (request: Record<string, any>) => void) => {
  const request = JSON.parse(fixture('slack', file).toString('utf8'));
  change(request);
  return normalizeFixture(slackWebhook, 'slack', file, { body: Buffer.from(JSON.stringify(request)) });
};
const nothing = { interactions: [], retractions: [], ignored: 1 };
const T = 1795201200;
const parent = `C052RGY7F6F:${T}.001200`;
const reply = `C052RGY7F6F:${T + 95}.004500`;

describe('Slack Events API requests', () => {
  it('reads a thread reply as a reply to the thread’s author, and each user it names as a mention', () => {
    const { interactions } = normalize('thread-reply.json');
    expect(interactions).toEqual([
      {
        id: reply,
        network: 'slack',
        type: 'reply',
        actor: { id: 'U01CAROL99' },
        target: { id: 'U02ALICE01' },
        contentId: reply,
        parentContentId: parent,
        text: expect.stringContaining('Überzeugend. #kubernetes'),
        topics: ['c052rgy7f6f'],
        occurredAt: '2026-11-20T19:01:35.004Z',
      },
      expect.objectContaining({ id: `${reply}:mention:U03BOB0002`, type: 'mention', target: { id: 'U03BOB0002' }, contentId: reply }),
    ]);
  });

  it('reads a channel message as a post, and an app mention as the same message', () => {
    expect(normalize('channel-message.json').interactions).toEqual([
      expect.objectContaining({ id: parent, type: 'post', actor: { id: 'U02ALICE01' }, topics: ['c052rgy7f6f'] }),
    ]);
    const mention = normalize('app-mention.json').interactions;
    expect(mention.map((interaction) => [interaction.type, interaction.id])).toEqual([
      ['post', `C052RGY7F6F:${T + 240}.000300`],
      ['mention', `C052RGY7F6F:${T + 240}.000300:mention:U06B3MBOT01`],
    ]);
  });

  it('reads reactions as likes of the message, and their removal as a retraction', () => {
    const id = `reaction:${parent}:U03BOB0002:heart`;
    expect(normalize('reaction-added.json').interactions).toEqual([
      {
        id,
        network: 'slack',
        type: 'like',
        actor: { id: 'U03BOB0002' },
        target: { id: 'U02ALICE01' },
        parentContentId: parent,
        topics: ['c052rgy7f6f'],
        occurredAt: '2026-11-20T19:05:00.000Z',
      },
    ]);
    expect(normalize('reaction-removed.json').retractions).toEqual([{ kind: 'interaction', network: 'slack', id, retractedAt: '2026-11-20T19:07:00.000Z' }]);
  });

  it('gives an edited message the ids it had, plus mentions added in the edit', () => {
    const edited = normalize('message-changed.json').interactions.map((interaction) => interaction.id);
    const original = normalize('thread-reply.json').interactions.map((interaction) => interaction.id);
    expect(edited).toEqual([...original, `${reply}:mention:U04DAVE003`]);
  });

  it('reads a deleted message as the retraction of what it brought', () => {
    expect(normalize('message-deleted.json').retractions).toEqual([
      { kind: 'content', network: 'slack', contentId: reply, retractedAt: '2026-11-20T19:15:00.000Z' },
    ]);
  });

  it('reads a thread’s parent, and a message in no thread, as posts, whatever parent_user_id they carry', () => {
    const typeOf = (change: (event: Record<string, any>) => void) =>
      variant('channel-message.json', (request) => change(request.event)).interactions.map((interaction) => interaction.type);
    // The parent of a thread: its thread_ts is its own ts.
    expect(typeOf((event) => Object.assign(event, { thread_ts: event.ts, parent_user_id: event.user, reply_count: 1 }))).toEqual(['post']);
    expect(typeOf((event) => (event.parent_user_id = 'U01CAROL99'))).toEqual(['post']);
  });

  it('never scores direct or group direct messages', () => {
    for (const channelType of ['im', 'mpim']) {
      expect(variant('channel-message.json', (request) => (request.event.channel_type = channelType))).toEqual(nothing);
    }
  });

  it('acknowledges a deletion that does not say which message is gone as ignored', () => {
    expect(variant('message-deleted.json', (request) => delete request.event.deleted_ts)).toEqual(nothing);
  });

  it('reads only a reaction to a message someone wrote as a like: reactions to files and the like are ignored', () => {
    const reaction = (item: Record<string, unknown>, itemUser?: string) =>
      variant('reaction-added.json', (request) => {
        request.event.item = item;
        if (itemUser) request.event.item_user = itemUser;
        else delete request.event.item_user;
      });
    expect(reaction({ type: 'file', file: 'F07QX1K2ZPD' }, 'U02ALICE01')).toEqual(nothing);
    expect(reaction({ type: 'file_comment', file_comment: 'Fc07QX1K3ABC', file: 'F07QX1K2ZPD' }, 'U02ALICE01')).toEqual(nothing);
    // Whatever else the item names.
    expect(reaction({ type: 'file', file: 'F07QX1K2ZPD', channel: 'C052RGY7F6F', ts: '1795201200.001200' }, 'U02ALICE01')).toEqual(nothing);
    // A message whose author Slack does not name (no item_user), or an item that does not say where it is.
    expect(reaction({ type: 'message', channel: 'C052RGY7F6F', ts: '1795201200.001200' })).toEqual(nothing);
    expect(reaction({ type: 'message', ts: '1795201200.001200' }, 'U02ALICE01')).toEqual(nothing);
    expect(reaction({ type: 'message', channel: 'C052RGY7F6F' }, 'U02ALICE01')).toEqual(nothing);
  });

  it('acknowledges events it does not read, and requests other than event callbacks, as ignored', () => {
    const joined = variant('channel-join.json', (request) => {
      request.event = {
        type: 'member_joined_channel',
        user: 'U05EVE0004',
        channel: 'C052RGY7F6F',
        channel_type: 'C',
        team: 'T04KQ7ZJ2B1',
        inviter: 'U02ALICE01',
        event_ts: '1795201230.000800',
      };
    });
    expect(joined).toEqual(nothing);
    // Slack tells the app it is rate limited on the same URL.
    const rateLimited = {
      token: 'XXYYZZtokenDeprecated',
      type: 'app_rate_limited',
      team_id: 'T04KQ7ZJ2B1',
      minute_rate_limited: 1795201200,
      api_app_id: 'A06B3LQX9MN',
    };
    expect(normalizeFixture(slackWebhook, 'slack', 'channel-join.json', { body: Buffer.from(JSON.stringify(rateLimited)) })).toEqual(nothing);
  });

  it('acknowledges an app mention by a bot or workflow, which has no user, as ignored', () => {
    expect(normalize('app-mention-from-bot.json')).toEqual({ interactions: [], retractions: [], ignored: 1 });
  });

  it('acknowledges joins and other events as ignored, and answers url_verification', () => {
    expect(normalize('channel-join.json')).toEqual({ interactions: [], retractions: [], ignored: 1 });
    const verification = slackWebhook.parse(JSON.parse(fixture('slack', 'url-verification.json').toString()), {
      body: Buffer.alloc(0),
      header: () => undefined,
      receivedAt: new Date(),
    });
    expect(verification.success && slackWebhook.handshake?.(verification.data)).toEqual({
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    });
  });
});

describe('Slack request signing', () => {
  const secret = 'signing-secret';
  const body = fixture('slack', 'reaction-added.json');
  const now = new Date('2026-11-20T19:05:00Z');
  const sign = (timestamp: number, bytes = body) => `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(bytes).digest('hex')}`;
  const timestamp = Math.floor(now.getTime() / 1000);

  it('accepts v0 signatures over "v0:<timestamp>:<body>" within 300 s', () => {
    expect(verifySlackRequest(secret, body, { signature: sign(timestamp), timestamp: String(timestamp) }, now)).toEqual({ ok: true });
    expect(verifySlackRequest(secret, body, { signature: sign(timestamp - 299), timestamp: String(timestamp - 299) }, now).ok).toBe(true);
  });

  it('refuses stale or future timestamps even with a valid signature: replays', () => {
    const stale = verifySlackRequest(secret, body, { signature: sign(timestamp - 301), timestamp: String(timestamp - 301) }, now);
    expect(stale).toEqual({ ok: false, detail: expect.stringContaining('300 s') });
    expect(verifySlackRequest(secret, body, { signature: sign(timestamp + 301), timestamp: String(timestamp + 301) }, now).ok).toBe(false);
  });

  it('refuses a signature over another timestamp, another body or without a timestamp', () => {
    expect(verifySlackRequest(secret, body, { signature: sign(timestamp - 1), timestamp: String(timestamp) }, now).ok).toBe(false);
    expect(verifySlackRequest(secret, body, { signature: sign(timestamp, Buffer.from('{}')), timestamp: String(timestamp) }, now).ok).toBe(false);
    expect(verifySlackRequest(secret, body, { signature: sign(timestamp), timestamp: undefined }, now).ok).toBe(false);
    expect(verifySlackRequest(secret, body, { signature: undefined, timestamp: String(timestamp) }, now).ok).toBe(false);
  });
});
