import type { WebhookPorts } from '../networks/receive-webhook';
import { messageQueue, swayStore } from './dependencies';
import { webhookSecret } from './secrets';

/** What a webhook function needs: its secret, the queue, and the dedupe lookup. */
export const webhookPorts = (): WebhookPorts => ({
  secret: webhookSecret,
  queue: messageQueue(),
  appliedInteractions: (refs) => swayStore().appliedInteractions(refs),
});
