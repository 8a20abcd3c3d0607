import { deliveryRoute, hmacOfBody, parseWith, type WebhookSource } from '../webhook-source';
import { normalizeGitHub } from './normalize';
import { GitHubEventSchemas, isHandledEvent, type GitHubDelivery } from './schema';

/**
 * GitHub webhooks, in either content type GitHub offers (JSON, or the form-encoded `payload`
 * field, GitHub's default): hex HMAC-SHA256 of the body in X-Hub-Signature-256; the event name in
 * X-GitHub-Event.
 */
export const githubWebhook: WebhookSource<GitHubDelivery> = {
  name: 'github',
  secret: { name: 'github', envVar: 'SWAY_SECRET_GITHUB' },
  routes: [deliveryRoute('GitHub webhooks (JSON or form-encoded), signed in x-hub-signature-256; the event in x-github-event')],
  mediaTypes: ['application/json', 'application/x-www-form-urlencoded'],
  deliveryIdHeader: 'x-github-delivery',
  verify: hmacOfBody('x-hub-signature-256', { prefix: 'sha256=', encoding: 'hex' }),
  parse: (document, delivery) => {
    const name = delivery.header('x-github-event') ?? '';
    if (!isHandledEvent(name)) return { success: true, data: { event: 'other', name } };
    return parseWith(GitHubEventSchemas[name], document, (payload) => ({ event: name, payload }) as GitHubDelivery);
  },
  normalize: (delivery, { receivedAt }) => normalizeGitHub(delivery, receivedAt),
};
