/**
 * The webhook functions as Lambda runs them: handshakes, signatures, content types, sizes and
 * the durable enqueue, against DynamoDB Local.
 */
import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  apiGatewayEvent,
  fixture,
  githubFormBody,
  providerHeaders,
  testSecrets,
  webhookPath,
  type DeliveryOptions,
  type WebhookNetwork,
} from '../support/webhook-deliveries';
import { loadWebhookHandlers } from '../support/webhook-handlers';

let webhooks: Awaited<ReturnType<typeof loadWebhookHandlers>>;

beforeAll(async () => {
  webhooks = await loadWebhookHandlers();
});

const post = (network: WebhookNetwork, body: Buffer, options: DeliveryOptions & { headers?: Record<string, string> } = {}) =>
  webhooks.invoke(
    network,
    apiGatewayEvent({ method: 'POST', path: webhookPath(network), body, headers: { ...providerHeaders(network, body, options), ...options.headers } }),
  );

const get = (network: WebhookNetwork, query: Record<string, string>) =>
  webhooks.invoke(network, apiGatewayEvent({ method: 'GET', path: webhookPath(network), query }));

const bodyOf = (response: { body?: string }) => JSON.parse(response.body ?? '') as Record<string, unknown>;

describe('webhook handshakes', () => {
  it('answers X’s CRC with the signed token', async () => {
    const response = await get('x', { crc_token: 'Y2hhbGxlbmdl' });
    expect(response.statusCode).toBe(200);
    const expected = createHmac('sha256', testSecrets.x).update('Y2hhbGxlbmdl').digest('base64');
    expect(bodyOf(response)).toEqual({ response_token: `sha256=${expected}` });
    expect((await get('x', {})).statusCode).toBe(400);
  });

  it('answers Meta’s verification with the challenge as text, and 403 for a wrong token', async () => {
    const ok = await get('meta', { 'hub.mode': 'subscribe', 'hub.verify_token': testSecrets.metaVerifyToken, 'hub.challenge': '1158201444' });
    expect(ok).toMatchObject({ statusCode: 200, body: '1158201444' });
    expect(ok.headers?.['content-type']).toMatch(/^text\/plain/);
    const wrong = await get('meta', { 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1158201444' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.headers?.['content-type']).toBe('application/problem+json');
    expect(wrong.body).not.toContain('1158201444');
  });

  it('answers Slack’s url_verification with the challenge and queues nothing', async () => {
    const response = await post('slack', fixture('slack', 'url-verification.json'));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    expect(await webhooks.pending()).toBe(0);
  });
});

describe('webhook deliveries', () => {
  it('queues a signed delivery before answering 202, with what it means', async () => {
    const response = await post('x', fixture('x', 'follows.json'));
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ accepted: 2, duplicates: 0, ignored: 0 });
    const messages = await webhooks.drain();
    expect(messages.flatMap((message) => message.interactions.map((interaction) => interaction.id))).toEqual(['follow:3011877412:1327465039224832001']);
    expect(messages.flatMap((message) => message.retractions ?? [])).toEqual([
      expect.objectContaining({ kind: 'interaction', id: 'follow:70231190:1327465039224832001' }),
    ]);
  });

  it('acknowledges events that carry no interaction as ignored, so the provider does not retry', async () => {
    const response = await post('github', fixture('github', 'ping.json'), { event: 'ping' });
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ accepted: 0, duplicates: 0, ignored: 1 });
    expect(await webhooks.pending()).toBe(0);
  });

  it('takes GitHub’s form-encoded deliveries, signed over the form bytes', async () => {
    const body = githubFormBody(fixture('github', 'star-created.json'));
    const response = await post('github', body, { event: 'star', contentType: 'application/x-www-form-urlencoded' });
    expect(bodyOf(response)).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
    expect((await webhooks.drain()).flatMap((message) => message.interactions.map((interaction) => interaction.id))).toEqual(['star:712334455:91822310']);
  });

  it('refuses a stale Slack request even when its signature is right', async () => {
    const body = fixture('slack', 'reaction-added.json');
    const response = await post('slack', body, { now: new Date(Date.now() - 301_000) });
    expect(response.statusCode).toBe(401);
    expect(bodyOf(response).detail).toMatch(/300 s/);
    expect(await webhooks.pending()).toBe(0);
  });

  it('answers 401, 415 and 413 as problems and queues nothing', async () => {
    const body = fixture('mastodon', 'status-created-post.json');
    const wrongSecret = await post('mastodon', body, { secret: 'not-the-secret' });
    expect(wrongSecret.statusCode).toBe(401);
    const unsigned = await post('mastodon', body, { headers: { 'x-hub-signature': '' } });
    expect(unsigned.statusCode).toBe(401);
    const text = await post('mastodon', body, { contentType: 'text/plain' });
    expect(text.statusCode).toBe(415);
    const huge = Buffer.from(JSON.stringify({ event: 'status.created', padding: 'x'.repeat(1024 * 1024) }));
    expect((await post('mastodon', huge)).statusCode).toBe(413);
    for (const response of [wrongSecret, unsigned, text]) expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(await webhooks.pending()).toBe(0);
  });

  it('answers 400 for a truncated body and 422 for a shape it cannot read', async () => {
    const full = fixture('discourse', 'post-created-reply.json');
    const truncated = await post('discourse', full.subarray(0, full.length - 7), { event: 'post_created' });
    expect(truncated.statusCode).toBe(400);
    const unreadable = await post('discourse', Buffer.from('{"post":{"id":"not a number"}}'), { event: 'post_created' });
    expect(unreadable.statusCode).toBe(422);
    expect(bodyOf(unreadable).errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'post.id' })]));
    expect(await webhooks.pending()).toBe(0);
  });

  it('answers 503 "not configured" when a network’s secret is unset, and never takes unsigned input', async () => {
    const { variables } = webhooks;
    const saved = variables.SWAY_SECRET_DISCOURSE;
    delete variables.SWAY_SECRET_DISCOURSE;
    try {
      const response = await post('discourse', fixture('discourse', 'post-created-topic.json'), { event: 'post_created', secret: '' });
      expect(response.statusCode).toBe(503);
      expect(bodyOf(response).title).toBe('Not Configured');
      delete variables.SWAY_SECRET_X;
      expect((await get('x', { crc_token: 'abc' })).statusCode).toBe(503);
    } finally {
      variables.SWAY_SECRET_DISCOURSE = saved;
      variables.SWAY_SECRET_X = testSecrets.x;
    }
    expect(await webhooks.pending()).toBe(0);
  });
});

describe('secret rotation: the previous value is accepted while a network moves to the new one', () => {
  const delivery = (network: WebhookNetwork) => {
    const file = {
      x: 'favorite.json',
      meta: 'instagram-comments.json',
      slack: 'thread-reply.json',
      mastodon: 'status-created-reply.json',
      github: 'issue-comment-created.json',
      discourse: 'post-created-reply.json',
    }[network];
    return { body: fixture(network, file), event: network === 'github' ? 'issue_comment' : network === 'discourse' ? 'post_created' : undefined };
  };
  const rotating = async (variable: string, next: string, work: () => Promise<void>) => {
    const { variables } = webhooks;
    const current = variables[variable]!;
    Object.assign(variables, { [variable]: next, [`${variable}_PREVIOUS`]: current });
    try {
      await work();
    } finally {
      Object.assign(variables, { [variable]: current });
      delete variables[`${variable}_PREVIOUS`];
    }
  };

  it.each(['x', 'meta', 'slack', 'mastodon', 'github', 'discourse'] as const)(
    '%s: signed with the new or the previous value, accepted; with neither, refused',
    async (network) => {
      const variable = `SWAY_SECRET_${network.toUpperCase()}`;
      const previous = testSecrets[network];
      await rotating(variable, `${previous}-next`, async () => {
        const { body, event } = delivery(network);
        expect((await post(network, body, { event, secret: `${previous}-next`, deliveryId: `${network}-rotation-new` })).statusCode, 'new').toBe(202);
        expect((await post(network, body, { event, secret: previous, deliveryId: `${network}-rotation-old` })).statusCode, 'previous').toBe(202);
        expect((await post(network, body, { event, secret: 'neither', deliveryId: `${network}-rotation-neither` })).statusCode, 'neither').toBe(401);
      });
      // Rotation over: the previous value is refused.
      const { body, event } = delivery(network);
      expect((await post(network, body, { event, secret: `${previous}-next`, deliveryId: `${network}-rotation-after` })).statusCode).toBe(401);
      await webhooks.drain();
    },
  );

  it("answers X's CRC with the current value, and Meta's verification with either token", async () => {
    await rotating('SWAY_SECRET_X', 'x-secret-next', async () => {
      const response = await get('x', { crc_token: 'abc' });
      expect(bodyOf(response)).toEqual({ response_token: `sha256=${createHmac('sha256', 'x-secret-next').update('abc').digest('base64')}` });
    });
    await rotating('SWAY_META_VERIFY_TOKEN', 'meta-token-next', async () => {
      for (const token of ['meta-token-next', testSecrets.metaVerifyToken]) {
        const response = await get('meta', { 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' });
        expect(response.statusCode, token).toBe(200);
      }
      expect((await get('meta', { 'hub.mode': 'subscribe', 'hub.verify_token': 'other', 'hub.challenge': '1' })).statusCode).toBe(403);
    });
  });
});
