/**
 * Webhook latency per network: signed deliveries, each a new event (so every one takes the full
 * path: signature, envelope, normalization, dedupe lookup, durable enqueue), 50 at a time against
 * a running service. The service must hold the test secrets (`testSecretEnvironment()`).
 */
import { runLoad } from './support/load';
import { fixture, providerHeaders, webhookPath, WEBHOOK_NETWORKS, type WebhookNetwork } from '../tests/support/webhook-deliveries';

const CONCURRENCY = 50;
/** Slack and X give a webhook 3 s to answer before they count it failed and retry. */
const PROVIDER_BUDGET_MS = 3000;

/** For each network: a realistic delivery and the ids in it that a new event would change. */
const templates: Record<WebhookNetwork, { file: string; event?: string; unique: (body: string, i: number) => string }> = {
  x: { file: 'favorite.json', unique: (body, i) => body.replaceAll('3011877412', `3011877412${i}`) },
  meta: {
    file: 'instagram-comments.json',
    unique: (body, i) => body.replaceAll('17998877665544332', `17998877665544332${i}`).replaceAll('17998877665544399', `17998877665544399${i}`),
  },
  slack: { file: 'thread-reply.json', unique: (body, i) => body.replaceAll('1795201295.004500', `1795201295.${String(i).padStart(6, '0')}`) },
  mastodon: { file: 'status-created-reply.json', unique: (body, i) => body.replaceAll('113520531177203388', `113520531177203388${i}`) },
  github: { file: 'issue-comment-created.json', event: 'issue_comment', unique: (body, i) => body.replaceAll('2491230011', `2491230011${i}`) },
  discourse: { file: 'post-created-reply.json', event: 'post_created', unique: (body, i) => body.replace('"id":51219', `"id":${51219 + 1_000_000 + i}`) },
};

export async function benchWebhookLatency(
  service: { url: string },
  options: { quick: boolean },
): Promise<{ name: string; value: number; unit: string; notes: string }[]> {
  const total = options.quick ? 200 : 1000;
  const warmUp = options.quick ? 50 : 200;
  const deliveries = (network: WebhookNetwork) => {
    const { file, event, unique } = templates[network];
    const template = fixture(network, file).toString('utf8');
    return (i: number) => {
      const body = Buffer.from(unique(template, i));
      return { method: 'POST', path: webhookPath(network), headers: providerHeaders(network, body, event ? { event } : {}), body };
    };
  };
  // Untimed, every network first (events of their own): DynamoDB Local's JVM and each function's
  // code paths warm up before any network is timed, so the first one measured is not penalized.
  for (const network of WEBHOOK_NETWORKS) await runLoad(service.url, CONCURRENCY, warmUp, (i) => deliveries(network)(total + i));

  const results: { name: string; value: number; unit: string; notes: string }[] = [];
  for (const network of WEBHOOK_NETWORKS) {
    const load = await runLoad(service.url, CONCURRENCY, total, deliveries(network));
    const accepted = load.statuses[202] ?? 0;
    if (accepted !== load.count) throw new Error(`${network} webhook: ${JSON.stringify(load.statuses)} of ${load.count} deliveries`);
    results.push({
      name: `webhook.latency.${network}`,
      value: Math.round(load.p99 * 10) / 10,
      unit: 'ms',
      notes: `p50 ${load.p50.toFixed(1)} ms; ${load.count} signed ${templates[network].file} deliveries (each a new event), ${CONCURRENCY} concurrent, ${load.perSecond.toFixed(0)}/s; providers allow ${PROVIDER_BUDGET_MS} ms`,
    });
  }
  return results;
}
