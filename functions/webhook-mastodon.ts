import { httpHandler } from '../lib/adapters/http/handler';
import { mastodonWebhook } from '../lib/domain/networks/mastodon/source';
import { receiveWebhook } from '../lib/app/webhooks/receive-webhook';
import { webhookPorts } from '../lib/wiring/webhook-ports';

/** Mastodon admin webhooks: status.created and status.updated. */
export const handler = httpHandler((event) => receiveWebhook(mastodonWebhook, event, webhookPorts()));
