/**
 * Every webhook network's source, by name (webhook-networks.ts lists the names). Their routes
 * (lib/wiring/webhook-routes.ts), their secrets (the stateful stack, npm start) and what each
 * function may read (the stateless stack) derive from it; the producers of the interactions queue
 * from the names. Adding a network: docs/NETWORKS.md, "Adding a network".
 */
import { discourseWebhook } from './discourse/source';
import { githubWebhook } from './github/source';
import { mastodonWebhook } from './mastodon/source';
import { metaWebhook } from './meta/source';
import { slackWebhook } from './slack/source';
import { xWebhook } from './x/source';
import { genericSecret, type WebhookSource, type SecretName, type WebhookSecret } from './webhook-source';
import { webhookFunctionName, type WebhookNetwork } from './webhook-networks';

export { webhookFunctionName, webhookFunctionNames } from './webhook-networks';

export const webhookSources = {
  x: xWebhook,
  meta: metaWebhook,
  slack: slackWebhook,
  mastodon: mastodonWebhook,
  github: githubWebhook,
  discourse: discourseWebhook,
} satisfies Record<WebhookNetwork, { name: string }>;

/** A network's source, its payload's type forgotten (each source reads and normalizes its own payloads). */
export const webhookSourceOf = (network: WebhookNetwork): WebhookSource<unknown> => webhookSources[network] as unknown as WebhookSource<unknown>;

/**
 * The secrets each signed function reads, and no other: the batch API's generic one, each
 * webhook's network secret, and its handshake's when it has one (Meta's verify token).
 */
export const secretsOfSignedFunctions = (): Record<string, SecretName[]> => ({
  'ingest-interactions': [genericSecret.name],
  ...Object.fromEntries(
    Object.entries(webhookSources).map(([network, source]): [string, SecretName[]] => [
      webhookFunctionName(network),
      secretsOf(source).map((secret) => secret.name),
    ]),
  ),
});

const secretsOf = (source: { secret: WebhookSecret; subscriptionCheck?: { secret: WebhookSecret } }): WebhookSecret[] => [
  source.secret,
  ...(source.subscriptionCheck && source.subscriptionCheck.secret.name !== source.secret.name ? [source.subscriptionCheck.secret] : []),
];

/** Every secret by name, and the variable that carries it on one machine: the batch API's, then each network's. */
export const secretEnvVarsOfNetworks = (): Record<SecretName, string> =>
  Object.fromEntries([genericSecret, ...Object.values(webhookSources).flatMap(secretsOf)].map((secret) => [secret.name, secret.envVar]));

/** Webhook functions that remember the delivery ids their network sends, so they write the table. */
export const deliveryRememberingFunctions = (): string[] =>
  Object.entries(webhookSources)
    .filter(([, source]) => source.deliveryIdHeader !== undefined)
    .map(([network]) => webhookFunctionName(network));
