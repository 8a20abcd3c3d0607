import { httpHandler } from '../lib/adapters/http/handler';
import { receiveWebhook } from '../lib/app/webhooks/receive-webhook';
import { slackWebhook } from '../lib/domain/networks/slack/source';
import { webhookPorts, type WebhookDependencies } from '../lib/wiring/webhook-ports';
import { stores, messageQueue } from '../lib/wiring/dependencies';
import { secrets } from '../lib/wiring/secrets';

/** Slack Events API: url_verification and event callbacks. */
export const createHandler = (dependencies: WebhookDependencies) => httpHandler((event) => receiveWebhook(slackWebhook, event, webhookPorts(dependencies)));

export const handler = createHandler({ stores, messageQueue, secrets });
