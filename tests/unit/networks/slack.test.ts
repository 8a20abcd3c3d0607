import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { slackWebhook, verifySlackRequest } from '../../../lib/networks/slack/source';
import { fixture } from '../../support/webhook-deliveries';
import { normalizeFixture } from './normalize-fixture';

const normalize = (file: string) => normalizeFixture(slackWebhook, 'slack', file);
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
    expect(normalize('reaction-removed.json').retractions).toEqual([
      { kind: 'interaction', network: 'slack', id, retractedAt: '2026-11-20T19:07:00.000Z' },
    ]);
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
  const sign = (timestamp: number, bytes = body) =>
    `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(bytes).digest('hex')}`;
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
