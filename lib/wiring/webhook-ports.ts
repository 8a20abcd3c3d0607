import type { WebhookPorts } from '../app/webhooks/receive-webhook';
import { messageQueue, stores } from './dependencies';
import { webhookSecret } from '../adapters/secrets/secrets';

/** What a webhook function needs: its secret, the queue, and the dedupe lookup. */
export const webhookPorts = (): WebhookPorts => {
  const { ingest } = stores();
  return {
    secret: webhookSecret,
    queue: messageQueue(),
    appliedInteractions: (refs) => ingest.appliedInteractions(refs),
    deliveries: {
      seen: (network, deliveryId) => ingest.deliverySeen(network, deliveryId),
      remember: (network, deliveryId, receivedAt) => ingest.rememberDelivery(network, deliveryId, receivedAt),
    },
  };
};
