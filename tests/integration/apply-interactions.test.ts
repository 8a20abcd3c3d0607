import { beforeAll, describe, expect, it } from 'vitest';
import { applyQueuedInteractions } from '../../lib/aggregation/apply-interactions';
import { OVERALL_TOPIC } from '../../lib/store/keys';
import { SwayStore } from '../../lib/store/sway-store';
import { interaction } from '../support/interactions';
import { isolatedTables } from '../support/isolated-tables';

let store: SwayStore;

beforeAll(async () => {
  const { db, mainTable } = await isolatedTables();
  store = new SwayStore(db, mainTable);
});

const apply = (...interactions: Parameters<typeof interaction>[0][]) =>
  applyQueuedInteractions({ receivedAt: new Date().toISOString(), interactions: interactions.map(interaction) }, store, new Date());

describe('applying queued interactions against DynamoDB Local', () => {
  it('applies an interaction once, however often it is delivered', async () => {
    const reply = interaction({ type: 'reply', id: 'once', actor: { id: 'a1' }, target: { id: 'b1' }, topics: ['once'] });
    const message = { receivedAt: new Date().toISOString(), interactions: [reply] };
    const before = await store.interactionCount();

    const first = await applyQueuedInteractions(message, store, new Date());
    const again = await applyQueuedInteractions(message, store, new Date());
    await Promise.all([1, 2, 3].map(() => applyQueuedInteractions(message, store, new Date())));

    expect(first).toEqual({ applied: 1, duplicates: 0, dropped: 0, retracted: 0, isolated: [] });
    expect(again).toEqual({ applied: 0, duplicates: 1, dropped: 0, retracted: 0, isolated: [] });
    expect(await store.interactionCount()).toBe(before + 1);
    const { edges } = await store.engagementAggregates('once');
    expect(edges).toEqual([{ author: 'x:b1', engager: 'x:a1', day: reply.occurredAt.slice(0, 10), counts: { reply: 1 } }]);
    expect(await store.appliedInteractions([{ network: 'x', id: 'once' }])).toEqual(new Set(['x:once']));
  });

  it('counts concurrent engagements on the same aggregate without losing any', async () => {
    const day = '2026-11-20T12:00:00Z';
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        apply({ type: 'like', id: `concurrent-${i}`, actor: { id: 'same-fan' }, target: { id: 'star' }, topics: ['concurrency'], occurredAt: day }),
      ),
    );
    const { edges } = await store.engagementAggregates('concurrency');
    expect(edges).toHaveLength(1);
    expect(edges[0]?.counts.like).toBe(30);
  });

  it('adds every interaction to the overall aggregates and its topics, hashtags included', async () => {
    await apply({ type: 'quote', id: 'tagged', actor: { id: 'q1' }, target: { id: 'q2' }, text: 'look #Quantum_Gravity', topics: ['cosmology'] });
    expect(await store.registeredTopics()).toEqual(expect.arrayContaining(['cosmology', 'quantum-gravity']));
    for (const topic of ['cosmology', 'quantum-gravity', OVERALL_TOPIC]) {
      const { edges } = await store.engagementAggregates(topic);
      expect(edges.some((edge) => edge.author === 'x:q2' && edge.counts.quote === 1)).toBe(true);
    }
  });

  it('gives a reaction without topics those of the content it engages with', async () => {
    await apply(
      { type: 'post', id: 'post-c9', actor: { id: 'author9' }, contentId: 'c9', text: 'new result #astro' },
      { type: 'like', id: 'like-c9', actor: { id: 'fan9' }, target: { id: 'author9' }, parentContentId: 'c9' },
    );
    const { edges } = await store.engagementAggregates('astro');
    expect(edges.map((edge) => [edge.author, edge.engager])).toEqual([['x:author9', 'x:fan9']]);
    const { posts } = await store.postAggregates('astro');
    expect(posts).toEqual([expect.objectContaining({ author: 'x:author9', posts: 1 })]);
  });

  it('records a self-interaction but gives it no aggregate weight', async () => {
    const summary = await apply({ type: 'reply', id: 'self', actor: { id: 'me' }, target: { id: 'me' }, topics: ['selfie'] });
    expect(summary.applied).toBe(1);
    expect((await store.engagementAggregates('selfie')).edges).toEqual([]);
  });
});
