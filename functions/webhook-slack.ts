import { httpHandler } from '../lib/http/handler';
import { receiveWebhook } from '../lib/networks/receive-webhook';
import { slackWebhook } from '../lib/networks/slack/source';
import { webhookPorts } from '../lib/runtime/webhook-ports';

/** Slack Events API: url_verification and event callbacks. */
export const handler = httpHandler((event) => receiveWebhook(slackWebhook, event, webhookPorts()));
