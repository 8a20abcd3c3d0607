/** The webhook routes of CONTRACT §3, one function per network; lib/wiring/routes.ts includes them. */
import { IngestResultSchema } from '../domain/interactions/schema';
import type { RouteDefinition } from './routes';
import { MastodonWebhookSchema } from '../domain/networks/mastodon/schema';
import { MetaVerificationQuerySchema, MetaWebhookSchema } from '../domain/networks/meta/schema';
import { SlackRequestSchema } from '../domain/networks/slack/schema';
import { XCrcQuerySchema, XCrcResponseSchema, XWebhookSchema } from '../domain/networks/x/schema';

const accepted = { status: 202, schema: IngestResultSchema } as const;

export const webhookRoutes = [
  {
    method: 'GET',
    path: '/v1/webhooks/x',
    functionName: 'webhook-x',
    auth: 'signed',
    summary: 'X challenge-response check: {"response_token": "sha256=<base64 HMAC-SHA256(consumer secret, crc_token)>"}',
    request: { query: XCrcQuerySchema },
    response: { status: 200, schema: XCrcResponseSchema },
  },
  {
    method: 'POST',
    path: '/v1/webhooks/x',
    functionName: 'webhook-x',
    auth: 'signed',
    summary: 'X Account Activity API deliveries, signed in x-twitter-webhooks-signature (sha256=<base64 HMAC of the body>)',
    request: { body: XWebhookSchema },
    response: accepted,
  },
  {
    method: 'GET',
    path: '/v1/webhooks/meta',
    functionName: 'webhook-meta',
    auth: 'signed',
    summary: 'Meta subscription verification: hub.challenge as text/plain when hub.verify_token matches, else 403',
    request: { query: MetaVerificationQuerySchema },
    response: { status: 200, contentType: 'text/plain' },
  },
  {
    method: 'POST',
    path: '/v1/webhooks/meta',
    functionName: 'webhook-meta',
    auth: 'signed',
    summary: 'Meta Page (feed) and Instagram (comments, mentions) deliveries, signed in x-hub-signature-256 (sha256=<hex HMAC of the body>)',
    request: { body: MetaWebhookSchema },
    response: accepted,
  },
  {
    method: 'POST',
    path: '/v1/webhooks/slack',
    functionName: 'webhook-slack',
    auth: 'signed',
    summary: 'Slack Events API: url_verification answers {"challenge"}; x-slack-signature v0 over "v0:<timestamp>:<body>", timestamp within 300 s',
    request: { body: SlackRequestSchema },
    response: accepted,
  },
  {
    method: 'POST',
    path: '/v1/webhooks/mastodon',
    functionName: 'webhook-mastodon',
    auth: 'signed',
    summary: 'Mastodon webhooks (status.created, status.updated), signed in x-hub-signature (sha256=<hex HMAC of the body>)',
    request: { body: MastodonWebhookSchema },
    response: accepted,
  },
  {
    method: 'POST',
    path: '/v1/webhooks/github',
    functionName: 'webhook-github',
    auth: 'signed',
    summary: 'GitHub webhooks (JSON or form-encoded), signed in x-hub-signature-256; the event in x-github-event',
    response: accepted,
  },
  {
    method: 'POST',
    path: '/v1/webhooks/discourse',
    functionName: 'webhook-discourse',
    auth: 'signed',
    summary: 'Discourse webhooks, signed in x-discourse-event-signature (sha256=<hex HMAC of the body>); the event in x-discourse-event',
    response: accepted,
  },
] as const satisfies readonly RouteDefinition[];
