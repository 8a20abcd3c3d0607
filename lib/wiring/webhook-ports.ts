import type { WebhookPorts } from '../app/webhooks/receive-webhook';
import type { Dependencies } from './dependencies';

export type WebhookDependencies = Pick<Dependencies, 'stores' | 'messageQueue' | 'secrets'>;

/** What a webhook function needs: its secret, the queue, and the dedupe lookup. */
export const webhookPorts = ({ stores, messageQueue, secrets }: WebhookDependencies): WebhookPorts => {
  const { ingest } = stores();
  return {
    secret: secrets.webhook,
    queue: messageQueue(),
    appliedInteractions: (refs) => ingest.appliedInteractions(refs),
    deliveries: {
      seen: (network, deliveryId) => ingest.deliverySeen(network, deliveryId),
      remember: (network, deliveryId, receivedAt) => ingest.rememberDelivery(network, deliveryId, receivedAt),
    },
  };
};
