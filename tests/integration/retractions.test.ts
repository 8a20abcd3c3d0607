import { beforeAll, describe, expect, it } from 'vitest';
import { applyQueuedInteractions } from '../../lib/aggregation/apply-interactions';
import type { Retraction } from '../../lib/interactions/retraction';
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

const deliver = (interactions: Interaction[], retractions: Retraction[] = []) =>
  applyQueuedInteractions({ receivedAt: new Date().toISOString(), interactions, retractions }, store, new Date());

const edgesOf = async (topic: string, author: string) =>
  (await store.engagementAggregates(topic)).edges.filter((edge) => edge.author === author);

const at = (day: number, hour = 12) => new Date(Date.UTC(2026, 10, day, hour)).toISOString();

describe('retracting interactions against DynamoDB Local', () => {
  it('takes an un-liked like back out of every aggregate, exactly once', async () => {
    const like = interaction({ type: 'like', id: 'like-1', actor: { id: 'fan1' }, target: { id: 'author1' }, parentContentId: 'c1', topics: ['unlike'], occurredAt: at(20) });
    const before = await store.interactionCount();
    await deliver([like]);
    expect(await edgesOf('unlike', 'x:author1')).toHaveLength(1);
    expect(await store.interactionCount()).toBe(before + 1);

    const unlike: Retraction = { kind: 'interaction', network: 'x', id: 'like-1', retractedAt: at(21) };
    expect((await deliver([], [unlike])).retracted).toBe(1);
    expect((await deliver([], [unlike])).retracted).toBe(0);
    await Promise.all([1, 2, 3].map(() => deliver([], [unlike])));

    expect(await store.interactionCount()).toBe(before);
    for (const topic of ['unlike', OVERALL_TOPIC]) {
      expect(await edgesOf(topic, 'x:author1')).toEqual([]);
      expect((await store.contentAggregates(topic)).filter((content) => content.contentId === 'c1')).toEqual([]);
    }
    expect(await store.appliedInteractions([{ network: 'x', id: 'like-1' }])).toEqual(new Set());
  });

  it('keeps what other interactions added to the same aggregate', async () => {
    const first = interaction({ type: 'like', id: 'keep-1', actor: { id: 'fan2' }, target: { id: 'author2' }, parentContentId: 'c2a', topics: ['keep'], occurredAt: at(20, 10) });
    const second = interaction({ type: 'like', id: 'keep-2', actor: { id: 'fan2' }, target: { id: 'author2' }, parentContentId: 'c2b', topics: ['keep'], occurredAt: at(20, 11) });
    await deliver([first, second]);
    await deliver([], [{ kind: 'interaction', network: 'x', id: 'keep-1', retractedAt: at(21) }]);

    const edges = await edgesOf('keep', 'x:author2');
    expect(edges.map((edge) => edge.counts)).toEqual([{ like: 1 }]);
    expect((await store.contentAggregates('keep')).map((content) => content.contentId)).toEqual(['c2b']);
  });

  it('drops an interaction whose retraction arrived first, for good', async () => {
    const follow = interaction({ type: 'follow', id: 'follow:a3:b3', actor: { id: 'a3' }, target: { id: 'b3' }, topics: ['early'], occurredAt: at(20) });
    const before = await store.interactionCount();
    await deliver([], [{ kind: 'interaction', network: 'x', id: 'follow:a3:b3', retractedAt: at(21) }]);

    expect(await deliver([follow])).toEqual({ applied: 0, duplicates: 1, dropped: 0, retracted: 0, isolated: [] });
    expect(await edgesOf('early', 'x:b3')).toEqual([]);
    expect(await store.interactionCount()).toBe(before);
  });

  it('applies the same relation again when it is renewed after its retraction, and ignores a stale retraction', async () => {
    const like = (occurredAt: string) =>
      interaction({ type: 'like', id: 'fav:t4:u4', actor: { id: 'u4' }, target: { id: 'author4' }, topics: ['again'], occurredAt });
    await deliver([like(at(10))]);
    await deliver([], [{ kind: 'interaction', network: 'x', id: 'fav:t4:u4', retractedAt: at(11) }]);
    expect(await edgesOf('again', 'x:author4')).toEqual([]);

    // The old like redelivered stays out; the like given again after the un-like counts.
    expect((await deliver([like(at(10))])).applied).toBe(0);
    expect((await deliver([like(at(12))])).applied).toBe(1);
    expect(await store.appliedInteractions([{ network: 'x', id: 'fav:t4:u4' }])).toEqual(new Set(['x:fav:t4:u4']));

    // The first un-like delivered again is older than the renewed like: it changes nothing.
    expect((await deliver([], [{ kind: 'interaction', network: 'x', id: 'fav:t4:u4', retractedAt: at(11) }])).retracted).toBe(0);
    expect((await edgesOf('again', 'x:author4')).map((edge) => edge.counts)).toEqual([{ like: 1 }]);
  });

  it('retracts everything a deleted post brought and takes nothing from it afterwards', async () => {
    const post = interaction({ type: 'post', id: 'p5', actor: { id: 'author5' }, contentId: 'p5', text: 'hello #deleted', occurredAt: at(20) });
    const mention = interaction({ type: 'mention', id: 'p5:mention:m5', actor: { id: 'author5' }, target: { id: 'm5' }, contentId: 'p5', topics: ['deleted'], occurredAt: at(20) });
    const lateMention = interaction({ type: 'mention', id: 'p5:mention:n5', actor: { id: 'author5' }, target: { id: 'n5' }, contentId: 'p5', topics: ['deleted'], occurredAt: at(20) });
    const before = await store.interactionCount();
    await deliver([post, mention]);
    expect((await store.postAggregates('deleted')).posts.filter((entry) => entry.author === 'x:author5')).toHaveLength(1);

    const deletion: Retraction = { kind: 'content', network: 'x', contentId: 'p5', retractedAt: at(22) };
    expect((await deliver([], [deletion])).retracted).toBe(2);
    expect((await deliver([], [deletion])).retracted).toBe(0);

    expect((await store.postAggregates('deleted')).posts.filter((entry) => entry.author === 'x:author5')).toEqual([]);
    expect(await edgesOf('deleted', 'x:m5')).toEqual([]);
    expect(await store.interactionCount()).toBe(before);
    expect(await deliver([mention, lateMention])).toEqual({ applied: 0, duplicates: 2, dropped: 0, retracted: 0, isolated: [] });
    expect(await edgesOf('deleted', 'x:n5')).toEqual([]);
  });

  it('counts a retraction once when copies of it race each other', async () => {
    const reply = interaction({ type: 'reply', id: 'race-6', actor: { id: 'fan6' }, target: { id: 'author6' }, topics: ['race'], occurredAt: at(20) });
    await deliver([reply]);
    const before = await store.interactionCount();
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => store.retractInteraction('x', 'race-6', at(21))),
    );
    expect(outcomes.filter((outcome) => outcome === 'retracted')).toHaveLength(1);
    expect(await store.interactionCount()).toBe(before - 1);
    expect(await edgesOf('race', 'x:author6')).toEqual([]);
  });
});
