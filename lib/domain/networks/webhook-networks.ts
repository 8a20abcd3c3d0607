/**
 * The webhook networks, by name: one line each, beside its folder here and its source in
 * webhook-sources.ts (which the type checker holds to this list). Kept apart from the sources so
 * that what only needs the names (the queues' producers, every function's wiring) does not bundle
 * every provider's schemas.
 */
export const WEBHOOK_NETWORKS = ['x', 'meta', 'slack', 'mastodon', 'github', 'discourse'] as const;
export type WebhookNetwork = (typeof WEBHOOK_NETWORKS)[number];

/** The function serving a network's webhook: built from its source (lib/wiring/webhook-function.ts), it has no file in functions/. */
export const webhookFunctionName = (network: string): string => `webhook-${network}`;

/** The network whose webhook a function serves; undefined for every other function. */
export const webhookNetworkOf = (functionName: string): WebhookNetwork | undefined =>
  WEBHOOK_NETWORKS.find((network) => webhookFunctionName(network) === functionName);

/** The functions serving the webhooks, one per network. */
export const webhookFunctionNames = (): string[] => WEBHOOK_NETWORKS.map(webhookFunctionName);
