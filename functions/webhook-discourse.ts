import { httpHandler } from '../lib/adapters/http/handler';
import { discourseWebhook } from '../lib/domain/networks/discourse/source';
import { receiveWebhook } from '../lib/app/webhooks/receive-webhook';
import { webhookPorts, type WebhookDependencies } from '../lib/wiring/webhook-ports';
import { stores, messageQueue } from '../lib/wiring/dependencies';
import { secrets } from '../lib/wiring/secrets';

/** Discourse webhooks: post_created, post_edited, post_destroyed, post_liked (others acknowledged). */
export const createHandler = (dependencies: WebhookDependencies) => httpHandler((event) => receiveWebhook(discourseWebhook, event, webhookPorts(dependencies)));

export const handler = createHandler({ stores, messageQueue, secrets });
