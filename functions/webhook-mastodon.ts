import { httpHandler } from '../lib/http/handler';
import { mastodonWebhook } from '../lib/networks/mastodon/source';
import { receiveWebhook } from '../lib/networks/receive-webhook';
import { webhookPorts } from '../lib/runtime/webhook-ports';

/** Mastodon admin webhooks: status.created and status.updated. */
export const handler = httpHandler((event) => receiveWebhook(mastodonWebhook, event, webhookPorts()));
