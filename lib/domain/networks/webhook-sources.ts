/** Every webhook source, by network: read by the functions that serve them and by the stacks that grant them. */
import { discourseWebhook } from './discourse/source';
import { githubWebhook } from './github/source';
import { mastodonWebhook } from './mastodon/source';
import { metaWebhook } from './meta/source';
import { slackWebhook } from './slack/source';
import { xWebhook } from './x/source';
import type { SecretName } from './webhook-source';

export const webhookSources = {
  x: xWebhook,
  meta: metaWebhook,
  slack: slackWebhook,
  mastodon: mastodonWebhook,
  github: githubWebhook,
  discourse: discourseWebhook,
};

/**
 * The secrets each signed function reads, and no other: the batch API's generic one, each
 * webhook's network secret, and its handshake's when it has one (Meta's verify token).
 */
export const secretsOfSignedFunctions = (): Record<string, SecretName[]> => ({
  'ingest-interactions': ['generic'],
  ...Object.fromEntries(
    Object.entries(webhookSources).map(([network, source]): [string, SecretName[]] => [
      webhookFunctionName(network),
      [source.secret, ...(source.handshakeSecret ? [source.handshakeSecret] : [])],
    ]),
  ),
});

/** The function serving a network's webhook (functions/webhook-<network>.ts). */
export const webhookFunctionName = (network: string): string => `webhook-${network}`;

/** Webhook functions that remember the delivery ids their network sends, so they write the table. */
export const deliveryRememberingFunctions = (): string[] =>
  Object.entries(webhookSources)
    .filter(([, source]) => source.deliveryIdHeader !== undefined)
    .map(([network]) => webhookFunctionName(network));
