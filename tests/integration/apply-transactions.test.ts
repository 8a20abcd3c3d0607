import { beforeAll, describe, expect, it } from 'vitest';
import { applyQueuedInteractions, type ApplyPorts } from '../../lib/aggregation/apply-interactions';
import type { Interaction } from '../../lib/interactions/schema';
import { OVERALL_TOPIC } from '../../lib/store/keys';
import { SwayStore } from '../../lib/store/sway-store';
import { interaction } from '../support/interactions';
import { isolatedTables } from '../support/isolated-tables';

let store: SwayStore;

beforeAll(async () => {
  const { db, mainTable } = await isolatedTables();
  store = new SwayStore(db, mainTable);
});

const deliver = (interactions: Interaction[], ports: ApplyPorts = store) =>
  applyQueuedInteractions({ receivedAt: new Date().toISOString(), interactions }, ports, new Date());

const at = (day: number, hour = 12) => new Date(Date.UTC(2026, 10, day, hour)).toISOString();

/** Each engager's counts towards `author` in `topic`, as `engager: {type: n}`. */
const countsTowards = async (topic: string, author: string) =>
  Object.fromEntries(
    (await store.engagementAggregates(topic)).edges
      .filter((edge) => edge.author === author)
      .map((edge) => [`${edge.engager} ${edge.day}`, edge.counts]),
  );

const likes = (prefix: string, count: number, topic: string, author = 'star', fans = count) =>
  Array.from({ length: count }, (_, i) =>
    interaction({ type: 'like', id: `${prefix}-${i}`, actor: { id: `fan-${i % fans}` }, target: { id: author }, topics: [topic], occurredAt: at(20) }),
  );

describe('applying many interactions per transaction against DynamoDB Local', () => {
  it('applies the new interactions of a batch whose transaction also holds duplicates, and only those', async () => {
    const batch = likes('mixed', 40, 'mixed', 'star', 10);
    const before = await store.interactionCount();
    expect(await deliver([batch[3]!, batch[17]!, batch[39]!])).toMatchObject({ applied: 3, duplicates: 0 });

    expect(await deliver(batch)).toEqual({ applied: 37, duplicates: 3, dropped: 0, retracted: 0, isolated: [] });
    expect(await store.interactionCount()).toBe(before + 40);
    const counts = await countsTowards('mixed', 'x:star');
    expect(Object.values(counts)).toEqual(Array.from({ length: 10 }, () => ({ like: 4 })));
    expect(await countsTowards(OVERALL_TOPIC, 'x:star')).toMatchObject(counts);
  });

  it('counts an interaction repeated within one message once, and a renewal after its retraction as the later delivery it is', async () => {
    const reply = interaction({ type: 'reply', id: 'twice', actor: { id: 'fan' }, target: { id: 'twice-author' }, topics: ['twice'], occurredAt: at(20) });
    const before = await store.interactionCount();
    expect(await deliver([reply, reply, reply])).toEqual({ applied: 1, duplicates: 2, dropped: 0, retracted: 0, isolated: [] });
    expect(Object.values(await countsTowards('twice', 'x:twice-author'))).toEqual([{ reply: 1 }]);

    // Liked, un-liked, then in one message the old like again and the like given anew.
    const like = (occurredAt: string) =>
      interaction({ type: 'like', id: 'renewed', actor: { id: 'fan' }, target: { id: 'renewed-author' }, topics: ['twice'], occurredAt });
    await store.retractInteraction('x', 'renewed', at(11));
    expect(await deliver([like(at(10)), like(at(12))])).toEqual({ applied: 1, duplicates: 1, dropped: 0, retracted: 0, isolated: [] });
    expect(Object.values(await countsTowards('twice', 'x:renewed-author'))).toEqual([{ like: 1 }]);
    expect(await store.interactionCount()).toBe(before + 2);
  });

  it('drops the interactions of deleted content from a transaction and applies the rest of it', async () => {
    const post = interaction({ type: 'post', id: 'gone', actor: { id: 'poster' }, contentId: 'gone', topics: ['gone'], occurredAt: at(20) });
    await deliver([post]);
    await store.retractContent('x', 'gone', at(21));
    const lateMention = interaction({ type: 'mention', id: 'gone:m', actor: { id: 'poster' }, target: { id: 'named' }, contentId: 'gone', topics: ['gone'], occurredAt: at(20) });
    const unrelated = interaction({ type: 'reply', id: 'kept', actor: { id: 'poster' }, target: { id: 'other' }, topics: ['gone'], occurredAt: at(20) });

    expect(await deliver([lateMention, unrelated])).toEqual({ applied: 1, duplicates: 1, dropped: 0, retracted: 0, isolated: [] });
    expect(await countsTowards('gone', 'x:named')).toEqual({});
    expect(Object.values(await countsTowards('gone', 'x:other'))).toEqual([{ reply: 1 }]);
  });

  it('counts exactly when messages with overlapping aggregates and interactions are applied at once', async () => {
    // 6 messages of 60 likes from the same 12 fans to one author; messages share half their interactions.
    const all = likes('overlap', 240, 'overlap', 'hub', 12);
    const messages = Array.from({ length: 6 }, (_, m) => all.slice(m * 30, m * 30 + 60));
    const before = await store.interactionCount();

    const summaries = await Promise.all(messages.map((message) => deliver(message)));

    const applied = summaries.reduce((sum, summary) => sum + summary.applied, 0);
    const duplicates = summaries.reduce((sum, summary) => sum + summary.duplicates, 0);
    expect([applied, duplicates]).toEqual([210, 150]);
    expect(await store.interactionCount()).toBe(before + 210);
    const counts = await countsTowards('overlap', 'x:hub');
    expect(Object.values(counts).reduce((sum, count) => sum + (count.like ?? 0), 0)).toBe(210);
    expect(Object.keys(counts)).toHaveLength(12);
    expect(await countsTowards(OVERALL_TOPIC, 'x:hub')).toEqual(counts);
  });

  it('counts exactly after a message failed between two of its transactions and was delivered again', async () => {
    const message = likes('crash', 90, 'crash', 'crash-author');
    expect(new Set(message.map((entry) => entry.actor.id)).size).toBe(90);
    let transactions = 0;
    const crashingAfterFirst: ApplyPorts = Object.assign(Object.create(store) as SwayStore, {
      applyTransaction: async (plan: Parameters<SwayStore['applyTransaction']>[0]) => {
        if (++transactions > 1) throw new Error('the process died');
        return store.applyTransaction(plan);
      },
    });
    const before = await store.interactionCount();

    await expect(deliver(message, crashingAfterFirst)).rejects.toThrow('the process died');
    const afterCrash = await store.interactionCount();
    expect(afterCrash - before).toBeGreaterThan(0);
    expect(afterCrash - before).toBeLessThan(90);

    const redelivered = await deliver(message);
    expect(redelivered).toEqual({ applied: 90 - (afterCrash - before), duplicates: afterCrash - before, dropped: 0, retracted: 0, isolated: [] });
    expect(await store.interactionCount()).toBe(before + 90);
    const counts = await countsTowards('crash', 'x:crash-author');
    expect(Object.keys(counts)).toHaveLength(90);
    expect(Object.values(counts).every((count) => count.like === 1)).toBe(true);
  });
});
