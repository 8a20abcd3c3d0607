import { httpHandler } from '../lib/adapters/http/handler';
import { githubWebhook } from '../lib/domain/networks/github/source';
import { receiveWebhook } from '../lib/app/webhooks/receive-webhook';
import { webhookPorts, type WebhookDependencies } from '../lib/wiring/webhook-ports';
import { stores, messageQueue } from '../lib/wiring/dependencies';
import { secrets } from '../lib/wiring/secrets';

/** GitHub webhooks: star, watch, fork, issue_comment, issues, pull_request (others acknowledged). */
export const createHandler = (dependencies: WebhookDependencies) => httpHandler((event) => receiveWebhook(githubWebhook, event, webhookPorts(dependencies)));

export const handler = createHandler({ stores, messageQueue, secrets });
