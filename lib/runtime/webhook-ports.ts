import type { WebhookPorts } from '../networks/receive-webhook';
import { messageQueue, swayStore } from './dependencies';
import { webhookSecret } from './secrets';

/** What a webhook function needs: its secret, the queue, and the dedupe lookup. */
export const webhookPorts = (): WebhookPorts => ({
  secret: webhookSecret,
  queue: messageQueue(),
  appliedInteractions: (refs) => swayStore().appliedInteractions(refs),
  deliveries: {
    seen: (network, deliveryId) => swayStore().deliverySeen(network, deliveryId),
    remember: (network, deliveryId, receivedAt) => swayStore().rememberDelivery(network, deliveryId, receivedAt),
  },
});
