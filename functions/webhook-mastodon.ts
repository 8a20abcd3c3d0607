import { httpHandler } from '../lib/adapters/http/handler';
import { mastodonWebhook } from '../lib/domain/networks/mastodon/source';
import { receiveWebhook } from '../lib/app/webhooks/receive-webhook';
import { webhookPorts, type WebhookDependencies } from '../lib/wiring/webhook-ports';
import { stores, messageQueue } from '../lib/wiring/dependencies';
import { secrets } from '../lib/wiring/secrets';

/** Mastodon admin webhooks: status.created and status.updated. */
export const createHandler = (dependencies: WebhookDependencies) => httpHandler((event) => receiveWebhook(mastodonWebhook, event, webhookPorts(dependencies)));

export const handler = createHandler({ stores, messageQueue, secrets });
