/** The webhook routes of CONTRACT §3, one function per network, from the registry of networks; lib/wiring/routes.ts includes them. */
import { webhookFunctionName, webhookSources } from '../domain/networks/webhook-sources';
import type { RouteDefinition } from './routes';

export const webhookRoutes: readonly RouteDefinition[] = Object.values(webhookSources).flatMap((source) =>
  source.routes.map((route) => ({ ...route, path: `/v1/webhooks/${source.name}`, functionName: webhookFunctionName(source.name), auth: 'signed' as const })),
);
