import { httpHandler } from '../lib/adapters/http/handler';
import { discourseWebhook } from '../lib/domain/networks/discourse/source';
import { receiveWebhook } from '../lib/app/webhooks/receive-webhook';
import { webhookPorts } from '../lib/wiring/webhook-ports';

/** Discourse webhooks: post_created, post_edited, post_destroyed, post_liked (others acknowledged). */
export const handler = httpHandler((event) => receiveWebhook(discourseWebhook, event, webhookPorts()));
