import { describe, expect, it } from 'vitest';
import { ingestInteractions, toMessages } from '../../lib/app/ingestion/ingest-interactions';
import { QueuedInteractionsSchema } from '../../lib/domain/interactions/queued';
import type { Retraction } from '../../lib/domain/interactions/retraction';
import { interaction } from '../support/interactions';

const retraction = (id: string): Retraction => ({ kind: 'interaction', network: 'x', id, retractedAt: '2026-11-25T00:00:00Z' });

describe('queuing retractions', () => {
  it('queues retractions in messages of their own, which the apply step reads', () => {
    const messages = toMessages([interaction({ type: 'like', id: 'l1' })], '2026-11-25T00:00:00Z', {
      retractions: [retraction('u1'), { kind: 'content', network: 'x', contentId: 'c1', retractedAt: '2026-11-25T00:00:00Z' }],
    });
    const parsed = messages.map((message) => QueuedInteractionsSchema.parse(JSON.parse(message)));
    expect(parsed.map((message) => [message.interactions.length, message.retractions?.length ?? 0])).toEqual([
      [1, 0],
      [0, 2],
    ]);
  });

  it('counts retractions as accepted and queues them even when the delivery has no interaction', async () => {
    const sent: string[] = [];
    const result = await ingestInteractions(
      [],
      { queue: { send: async (_queue, bodies) => void sent.push(...bodies) }, appliedInteractions: async () => new Set() },
      new Date('2026-11-25T00:00:00Z'),
      { ignored: 2, retractions: [retraction('u2')] },
    );
    expect(result).toEqual({ accepted: 1, duplicates: 0, ignored: 2 });
    expect(sent.map((message) => JSON.parse(message).retractions)).toEqual([[retraction('u2')]]);
  });

  it('takes a queued message that carries only handle claims, or retractions and handle claims', () => {
    const claim = { network: 'bluesky', id: 'did:plc:alice', handle: 'alice.bsky.social', seenAt: '2026-11-25T00:00:00Z' };
    for (const message of [
      { receivedAt: '2026-11-25T00:00:00Z', interactions: [], handles: [claim] },
      { receivedAt: '2026-11-25T00:00:00Z', interactions: [], retractions: [retraction('u3')], handles: [claim] },
    ]) {
      expect(QueuedInteractionsSchema.parse(message)).toEqual(message);
    }
  });

  it('refuses a queued message that carries nothing', () => {
    expect(QueuedInteractionsSchema.safeParse({ receivedAt: '2026-11-25T00:00:00Z', interactions: [], retractions: [] }).success).toBe(false);
  });
});
