import { httpHandler } from '../lib/http/handler';
import { githubWebhook } from '../lib/networks/github/source';
import { receiveWebhook } from '../lib/networks/receive-webhook';
import { webhookPorts } from '../lib/runtime/webhook-ports';

/** GitHub webhooks: star, watch, fork, issue_comment, issues, pull_request (others acknowledged). */
export const handler = httpHandler((event) => receiveWebhook(githubWebhook, event, webhookPorts()));
