/**
 * The webhook networks, by name: one line each, beside its folder here and its source in
 * webhook-sources.ts (which the type checker holds to this list). Kept apart from the sources so
 * that what only needs the names (the queues' producers, every function's wiring) does not bundle
 * every provider's schemas.
 */
export const WEBHOOK_NETWORKS = ['x', 'meta', 'slack', 'mastodon', 'github', 'discourse'] as const;
export type WebhookNetwork = (typeof WEBHOOK_NETWORKS)[number];

/** The function serving a network's webhook (functions/webhook-<network>.ts). */
export const webhookFunctionName = (network: string): string => `webhook-${network}`;

/** The functions serving the webhooks, one per network. */
export const webhookFunctionNames = (): string[] => WEBHOOK_NETWORKS.map(webhookFunctionName);
