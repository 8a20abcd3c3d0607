import { sameSecret } from '../signature';
import { deliveryRoute, hmacOfBody, parseWith, subscriptionCheck, type WebhookSource } from '../webhook-source';
import { normalizeMeta } from './normalize';
import { MetaVerificationQuerySchema, MetaWebhookSchema, type MetaVerificationQuery, type MetaWebhook } from './schema';

/**
 * Meta's subscription check: the challenge is echoed only for `hub.mode=subscribe` with the verify
 * token the operator entered in the App Dashboard.
 */
export const isMetaSubscription = (query: MetaVerificationQuery, verifyToken: string): boolean => {
  return query['hub.mode'] === 'subscribe' && sameSecret(query['hub.verify_token'] ?? '', verifyToken);
};

/**
 * Meta Graph API webhooks (Pages and Instagram): hex HMAC-SHA256 with the app secret over the
 * body exactly as sent — Meta escapes non-ASCII characters as \uXXXX and slashes as \/, and the
 * signature covers those escapes, so the body is never re-serialized before checking.
 */
const verifyToken = { name: 'metaVerifyToken', envVar: 'SWAY_META_VERIFY_TOKEN' };

export const metaWebhook: WebhookSource<MetaWebhook> = {
  name: 'meta',
  secret: { name: 'meta', envVar: 'SWAY_SECRET_META' },
  routes: [
    {
      method: 'GET',
      summary: 'Meta subscription verification: hub.challenge as text/plain when hub.verify_token matches, else 403',
      request: { query: MetaVerificationQuerySchema },
      response: { status: 200, contentType: 'text/plain' },
    },
    deliveryRoute(
      'Meta Page (feed) and Instagram (comments, mentions) deliveries, signed in x-hub-signature-256 (sha256=<hex HMAC of the body>)',
      MetaWebhookSchema,
    ),
  ],
  subscriptionCheck: subscriptionCheck({
    query: MetaVerificationQuerySchema,
    secret: verifyToken,
    secretLabel: 'verify token',
    answer: (query, { accepted }) => {
      if (!accepted.some((token) => isMetaSubscription(query, token)))
        return { refused: 403, detail: 'hub.mode is not subscribe or hub.verify_token does not match.' };
      const challenge = query['hub.challenge'];
      return challenge ? { text: challenge } : { refused: 400, detail: 'hub.challenge is missing.' };
    },
  }),
  mediaTypes: ['application/json'],
  verify: hmacOfBody('x-hub-signature-256', { prefix: 'sha256=', encoding: 'hex' }),
  parse: (document) => parseWith(MetaWebhookSchema, document, (data) => data),
  normalize: (payload, { receivedAt }) => normalizeMeta(payload, receivedAt),
};
