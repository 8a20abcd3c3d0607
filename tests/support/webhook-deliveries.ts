/**
 * Provider deliveries for tests and benchmarks: the fixtures (written from each provider's
 * documented payloads) and the headers each provider sends, signed the way the provider signs.
 * The signing here is written from the providers' documentation, independently of lib/domain/networks.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export const WEBHOOK_NETWORKS = ['x', 'meta', 'slack', 'mastodon', 'github', 'discourse'] as const;
export type WebhookNetwork = (typeof WEBHOOK_NETWORKS)[number];

/** Secrets the tests configure, and the environment variables that carry them (CONTRACT §1). */
export const testSecrets = {
  x: 'x-consumer-secret-for-tests',
  meta: 'meta-app-secret-for-tests',
  metaVerifyToken: 'meta-verify-token-for-tests',
  slack: 'slack-signing-secret-for-tests',
  mastodon: 'mastodon-webhook-secret-for-tests',
  github: 'github-webhook-secret-for-tests',
  discourse: 'discourse-webhook-secret-for-tests',
};

export const testSecretEnvironment = (): Record<string, string> => ({
  SWAY_SECRET_X: testSecrets.x,
  SWAY_SECRET_META: testSecrets.meta,
  SWAY_META_VERIFY_TOKEN: testSecrets.metaVerifyToken,
  SWAY_SECRET_SLACK: testSecrets.slack,
  SWAY_SECRET_MASTODON: testSecrets.mastodon,
  SWAY_SECRET_GITHUB: testSecrets.github,
  SWAY_SECRET_DISCOURSE: testSecrets.discourse,
});

export const webhookPath = (network: WebhookNetwork) => `/v1/webhooks/${network}`;

/** The exact bytes of a fixture, as the provider would send them. */
export const fixture = (network: WebhookNetwork, file: string): Buffer => readFileSync(resolve(__dirname, '../fixtures/networks', network, file));

/** Every fixture of a network, with the event header it is sent with. */
export const fixtureDeliveries: Record<WebhookNetwork, { file: string; event?: string }[]> = {
  x: ['tweet-reply-extended.json', 'retweet-and-quote.json', 'favorite.json', 'follows.json', 'tweet-delete.json', 'direct-message.json'].map((file) => ({
    file,
  })),
  meta: ['page-feed-batch.json', 'comment-remove.json', 'instagram-comments.json'].map((file) => ({ file })),
  slack: [
    'thread-reply.json',
    'channel-message.json',
    'app-mention.json',
    'reaction-added.json',
    'reaction-removed.json',
    'message-changed.json',
    'message-deleted.json',
    'channel-join.json',
    'url-verification.json',
  ].map((file) => ({ file })),
  mastodon: [
    'status-created-reply.json',
    'status-updated-reply.json',
    'status-created-post.json',
    'status-created-reblog.json',
    'status-created-direct.json',
    'account-created.json',
  ].map((file) => ({ file })),
  github: [
    { file: 'star-created.json', event: 'star' },
    { file: 'star-deleted.json', event: 'star' },
    { file: 'watch-started.json', event: 'watch' },
    { file: 'fork.json', event: 'fork' },
    { file: 'issues-opened.json', event: 'issues' },
    { file: 'issue-comment-created.json', event: 'issue_comment' },
    { file: 'issue-comment-deleted.json', event: 'issue_comment' },
    { file: 'pull-request-opened.json', event: 'pull_request' },
    { file: 'ping.json', event: 'ping' },
  ],
  discourse: [
    { file: 'post-created-topic.json', event: 'post_created' },
    { file: 'post-created-reply.json', event: 'post_created' },
    { file: 'post-edited-reply.json', event: 'post_edited' },
    { file: 'post-destroyed.json', event: 'post_destroyed' },
    { file: 'post-liked.json', event: 'post_liked' },
    { file: 'topic-created.json', event: 'topic_created' },
    { file: 'ping.json', event: 'ping' },
  ],
};

const hmac = (secret: string, payload: Buffer | string, encoding: 'hex' | 'base64') => createHmac('sha256', secret).update(payload).digest(encoding);

export interface DeliveryOptions {
  /** The event name for providers that send it in a header (GitHub, Discourse). */
  event?: string;
  /** When the provider sent it (Slack signs its timestamp). */
  now?: Date;
  secret?: string;
  contentType?: string;
  /** The delivery id GitHub and Discourse send; by default one of the body's, so another body is another delivery. */
  deliveryId?: string;
}

/** A GUID-shaped id derived from the body: the same delivery sent twice is a replay, another body is not. */
const deliveryIdOf = (body: Buffer): string => {
  const hex = createHash('sha256').update(body).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

/** The headers `network` sends with `body`, signed as that provider signs. */
export const providerHeaders = (network: WebhookNetwork, body: Buffer, options: DeliveryOptions = {}): Record<string, string> => {
  const secret = options.secret ?? testSecrets[network];
  const contentType = { 'content-type': options.contentType ?? 'application/json' };
  switch (network) {
    case 'x':
      return { ...contentType, 'x-twitter-webhooks-signature': `sha256=${hmac(secret, body, 'base64')}` };
    case 'meta':
      return {
        ...contentType,
        'x-hub-signature-256': `sha256=${hmac(secret, body, 'hex')}`,
        'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`,
      };
    case 'slack': {
      const timestamp = String(Math.floor((options.now ?? new Date()).getTime() / 1000));
      const signed = Buffer.concat([Buffer.from(`v0:${timestamp}:`), body]);
      return { ...contentType, 'x-slack-request-timestamp': timestamp, 'x-slack-signature': `v0=${hmac(secret, signed, 'hex')}` };
    }
    case 'mastodon':
      return { ...contentType, 'x-hub-signature': `sha256=${hmac(secret, body, 'hex')}` };
    case 'github':
      return {
        ...contentType,
        'x-github-event': options.event ?? 'ping',
        'x-github-delivery': options.deliveryId ?? deliveryIdOf(body),
        'x-github-hook-id': '512340987',
        'x-hub-signature-256': `sha256=${hmac(secret, body, 'hex')}`,
      };
    case 'discourse':
      return {
        ...contentType,
        'x-discourse-instance': 'https://forum.example.org',
        'x-discourse-event-id': options.deliveryId ?? String(parseInt(deliveryIdOf(body).slice(0, 8), 16)),
        'x-discourse-event-type': options.event === 'post_liked' ? 'like' : ((options.event ?? 'ping').split('_')[0] ?? 'ping'),
        'x-discourse-event': options.event ?? 'ping',
        'x-discourse-event-signature': `sha256=${hmac(secret, body, 'hex')}`,
      };
  }
};

/** GitHub's default content type: the JSON document in a form field named `payload`. */
export const githubFormBody = (json: Buffer): Buffer => Buffer.from(`payload=${encodeURIComponent(json.toString('utf8'))}`);

/** An API Gateway HTTP API (v2) event, as the gateway hands a request to a function. */
export const apiGatewayEvent = ({
  method,
  path,
  headers = {},
  body,
  query,
  pathParameters,
}: {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  query?: Record<string, string>;
  pathParameters?: Record<string, string>;
}): APIGatewayProxyEventV2 => {
  const text = body?.toString('utf8');
  const isText = body !== undefined && Buffer.from(text ?? '', 'utf8').equals(body);
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(query ?? {}).toString(),
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    ...(pathParameters ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'test-request',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(body?.length ? { body: isText ? text : body.toString('base64'), isBase64Encoded: !isText } : { isBase64Encoded: false }),
  };
};
