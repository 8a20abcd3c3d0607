import { hmacSha256 } from '../signature';
import { deliveryRoute, hmacOfBody, parseWith, subscriptionCheck, type WebhookSource } from '../webhook-source';
import { normalizeX } from './normalize';
import { XCrcQuerySchema, XCrcResponseSchema, XWebhookSchema, type XWebhook } from './schema';

/** The answer to X's challenge-response check (CRC): the token signed with the consumer secret. */
export const crcResponseToken = (consumerSecret: string, crcToken: string): string => `sha256=${hmacSha256(consumerSecret, crcToken, 'base64')}`;

const consumerSecret = { name: 'x', envVar: 'SWAY_SECRET_X' };

/** X Account Activity API: signed with the app's consumer secret, base64 HMAC-SHA256 of the body. */
export const xWebhook: WebhookSource<XWebhook> = {
  name: 'x',
  secret: consumerSecret,
  routes: [
    {
      method: 'GET',
      summary: 'X challenge-response check: {"response_token": "sha256=<base64 HMAC-SHA256(consumer secret, crc_token)>"}',
      request: { query: XCrcQuerySchema },
      response: { status: 200, schema: XCrcResponseSchema },
    },
    deliveryRoute('X Account Activity API deliveries, signed in x-twitter-webhooks-signature (sha256=<base64 HMAC of the body>)', XWebhookSchema),
  ],
  subscriptionCheck: subscriptionCheck({
    query: XCrcQuerySchema,
    secret: consumerSecret,
    secretLabel: 'webhook secret',
    // X checks the answer with the secret it holds: the current one (rotate at X first, then here).
    answer: ({ crc_token: crcToken }, { current }) => ({ json: { response_token: crcResponseToken(current, crcToken) } }),
  }),
  mediaTypes: ['application/json'],
  verify: hmacOfBody('x-twitter-webhooks-signature', { prefix: 'sha256=', encoding: 'base64' }),
  parse: (document) => parseWith(XWebhookSchema, document, (data) => data),
  normalize: (payload) => normalizeX(payload),
};
