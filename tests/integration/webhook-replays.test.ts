/**
 * Delivery-id replay protection (issue 11, finding 12): where a network names each delivery with
 * an id of its own (GitHub, Discourse), a signed delivery sent again with the same id is
 * acknowledged and queues nothing, beside the idempotency keys that already count it once.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { apiGatewayEvent, fixture, providerHeaders, webhookPath, type DeliveryOptions } from '../support/webhook-deliveries';
import { loadWebhookHandlers } from '../support/webhook-handlers';

let webhooks: Awaited<ReturnType<typeof loadWebhookHandlers>>;
beforeAll(async () => {
  webhooks = await loadWebhookHandlers();
});

const send = async (network: 'github' | 'discourse' | 'mastodon', file: string, options: DeliveryOptions) => {
  const body = fixture(network, file);
  const response = await webhooks.invoke(
    network,
    apiGatewayEvent({ method: 'POST', path: webhookPath(network), body, headers: providerHeaders(network, body, options) }),
  );
  expect(response.statusCode).toBe(202);
  return JSON.parse(String(response.body)) as { accepted: number; duplicates: number; ignored: number };
};

describe.each([
  {
    network: 'github' as const,
    file: 'star-created.json',
    event: 'star',
    deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    other: '72d3162e-cc78-11e3-81ab-4c9367dc0959',
  },
  { network: 'discourse' as const, file: 'post-created-reply.json', event: 'post_created', deliveryId: '90311', other: '90312' },
])('$network delivery ids', ({ network, file, event, deliveryId, other }) => {
  it('takes a delivery once and acknowledges its replay without queueing it again', async () => {
    await webhooks.drain();
    const first = await send(network, file, { event, deliveryId });
    expect(first.accepted).toBeGreaterThan(0);
    expect((await webhooks.drain()).length).toBeGreaterThan(0);

    const replay = await send(network, file, { event, deliveryId });
    expect(replay).toEqual({ accepted: 0, duplicates: first.accepted, ignored: first.ignored });
    expect(await webhooks.pending()).toBe(0);
  });

  it('takes the same event under another delivery id (the idempotency key counts it once when applied)', async () => {
    await webhooks.drain();
    const again = await send(network, file, { event, deliveryId: other });
    expect(again.accepted).toBeGreaterThan(0);
    expect(await webhooks.pending()).toBeGreaterThan(0);
    await webhooks.drain();
  });
});

describe('networks without delivery ids', () => {
  it('queue a repeated delivery again, to be counted once by its idempotency key', async () => {
    await webhooks.drain();
    await send('mastodon', 'status-created-reply.json', {});
    const again = await send('mastodon', 'status-created-reply.json', {});
    expect(again.accepted).toBeGreaterThan(0);
    expect((await webhooks.drain()).length).toBe(2);
  });
});
