import { httpHandler } from '../lib/http/handler';
import { discourseWebhook } from '../lib/networks/discourse/source';
import { receiveWebhook } from '../lib/networks/receive-webhook';
import { webhookPorts } from '../lib/runtime/webhook-ports';

/** Discourse webhooks: post_created, post_edited, post_destroyed, post_liked (others acknowledged). */
export const handler = httpHandler((event) => receiveWebhook(discourseWebhook, event, webhookPorts()));
