import { deliveryRoute, hmacOfBody, parseWith, type WebhookSource } from '../webhook-source';
import { normalizeMastodon } from './normalize';
import { MastodonWebhookSchema, type MastodonWebhook } from './schema';

/** Mastodon admin webhooks: hex HMAC-SHA256 of the body with the webhook's secret, in X-Hub-Signature. */
export const mastodonWebhook: WebhookSource<MastodonWebhook> = {
  name: 'mastodon',
  secret: { name: 'mastodon', envVar: 'SWAY_SECRET_MASTODON' },
  routes: [
    deliveryRoute('Mastodon webhooks (status.created, status.updated), signed in x-hub-signature (sha256=<hex HMAC of the body>)', MastodonWebhookSchema),
  ],
  mediaTypes: ['application/json'],
  verify: hmacOfBody('x-hub-signature', { prefix: 'sha256=', encoding: 'hex' }),
  parse: (document) => parseWith(MastodonWebhookSchema, document, (data) => data),
  normalize: (delivery) => normalizeMastodon(delivery),
};
