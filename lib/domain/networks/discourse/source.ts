import { deliveryRoute, hmacOfBody, parseWith, type WebhookSource } from '../webhook-source';
import { normalizeDiscourse } from './normalize';
import { DiscourseEventSchemas, isHandledEvent, type DiscourseDelivery } from './schema';

/**
 * Discourse webhooks (content type application/json): hex HMAC-SHA256 of the body in
 * X-Discourse-Event-Signature; the event name in X-Discourse-Event.
 */
export const discourseWebhook: WebhookSource<DiscourseDelivery> = {
  name: 'discourse',
  secret: { name: 'discourse', envVar: 'SWAY_SECRET_DISCOURSE' },
  routes: [deliveryRoute('Discourse webhooks, signed in x-discourse-event-signature (sha256=<hex HMAC of the body>); the event in x-discourse-event')],
  mediaTypes: ['application/json'],
  deliveryIdHeader: 'x-discourse-event-id',
  verify: hmacOfBody('x-discourse-event-signature', { prefix: 'sha256=', encoding: 'hex' }),
  parse: (document, delivery) => {
    const name = delivery.header('x-discourse-event') ?? '';
    if (!isHandledEvent(name)) return { success: true, data: { event: 'other', name } };
    return parseWith(DiscourseEventSchemas[name], document, (payload) => ({ event: name, payload }) as DiscourseDelivery);
  },
  normalize: (delivery, { receivedAt }) => normalizeDiscourse(delivery, receivedAt),
};
