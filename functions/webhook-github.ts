import { httpHandler } from '../lib/adapters/http/handler';
import { githubWebhook } from '../lib/domain/networks/github/source';
import { receiveWebhook } from '../lib/app/webhooks/receive-webhook';
import { webhookPorts } from '../lib/wiring/webhook-ports';

/** GitHub webhooks: star, watch, fork, issue_comment, issues, pull_request (others acknowledged). */
export const handler = httpHandler((event) => receiveWebhook(githubWebhook, event, webhookPorts()));
