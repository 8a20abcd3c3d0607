/** Every webhook source, by network: read by the functions that serve them and by the stacks that grant them. */
import { discourseWebhook } from './discourse/source';
import { githubWebhook } from './github/source';
import { mastodonWebhook } from './mastodon/source';
import { metaWebhook } from './meta/source';
import { slackWebhook } from './slack/source';
import { xWebhook } from './x/source';

export const webhookSources = {
  x: xWebhook,
  meta: metaWebhook,
  slack: slackWebhook,
  mastodon: mastodonWebhook,
  github: githubWebhook,
  discourse: discourseWebhook,
};

/** The function serving a network's webhook (functions/webhook-<network>.ts). */
export const webhookFunctionName = (network: string): string => `webhook-${network}`;

/** Webhook functions that remember the delivery ids their network sends, so they write the table. */
export const deliveryRememberingFunctions = (): string[] =>
  Object.entries(webhookSources)
    .filter(([, source]) => source.deliveryIdHeader !== undefined)
    .map(([network]) => webhookFunctionName(network));
