import { httpHandler } from '../lib/adapters/http/handler';
import { receiveWebhook } from '../lib/app/webhooks/receive-webhook';
import { slackWebhook } from '../lib/domain/networks/slack/source';
import { webhookPorts } from '../lib/wiring/webhook-ports';

/** Slack Events API: url_verification and event callbacks. */
export const handler = httpHandler((event) => receiveWebhook(slackWebhook, event, webhookPorts()));
