import { expect } from 'vitest';
import { RetractionSchema } from '../../../lib/domain/interactions/retraction';
import { InteractionSchema } from '../../../lib/domain/interactions/schema';
import type { Normalized } from '../../../lib/domain/networks/normalized';
import type { WebhookDelivery, WebhookSource } from '../../../lib/domain/networks/webhook-source';
import { fixture, providerHeaders, type WebhookNetwork } from '../../support/webhook-deliveries';

export const RECEIVED_AT = new Date('2026-11-21T08:00:00.000Z');

/** Parses and normalizes a fixture as the webhook route would, and checks the result is canonical. */
export const normalizeFixture = <Payload>(
  source: WebhookSource<Payload>,
  network: WebhookNetwork,
  file: string,
  { event, body = fixture(network, file) }: { event?: string; body?: Buffer } = {},
): Normalized => {
  const headers = providerHeaders(network, body, { ...(event ? { event } : {}) });
  const delivery: WebhookDelivery = { body, header: (name) => headers[name.toLowerCase()], receivedAt: RECEIVED_AT };
  const parsed = source.parse(JSON.parse(body.toString('utf8')), delivery);
  if (!parsed.success) throw new Error(`${file} does not parse: ${JSON.stringify(parsed.issues.slice(0, 3))}`);
  const normalized = source.normalize(parsed.data, delivery);
  for (const interaction of normalized.interactions) expect(InteractionSchema.safeParse(interaction).error).toBeUndefined();
  for (const retraction of normalized.retractions) expect(RetractionSchema.safeParse(retraction).error).toBeUndefined();
  return normalized;
};

export const parseFails = <Payload>(source: WebhookSource<Payload>, document: unknown, headers: Record<string, string> = {}): boolean => {
  const delivery: WebhookDelivery = { body: Buffer.alloc(0), header: (name) => headers[name.toLowerCase()], receivedAt: RECEIVED_AT };
  return !source.parse(document, delivery).success;
};
