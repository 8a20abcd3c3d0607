/**
 * A map item's account writes: held per topic, written together in one call of each kind, each
 * topic's alone when writing them together fails, so one topic's failing writes fail only it.
 */
import { describe, expect, it } from 'vitest';
import { PendingAccountWrites } from '../../../lib/app/recompute/pending-account-writes';
import type { StoredExplanation } from '../../../lib/adapters/dynamodb/accounts-store';

const explanation = (topic: string, id: string) => ({ network: 'x', id, topic, score: 50 }) as unknown as StoredExplanation;
const point = (topic: string, id: string) => ({ network: 'x', id, topic, score: 50 });

/** An accounts store that records its calls, and refuses any call holding an item of `refused`. */
const accounts = (refused?: string) => {
  const calls: { kind: string; topics: string[] }[] = [];
  const record = (kind: string) => async (items: readonly { topic: string }[]) => {
    calls.push({ kind, topics: [...new Set(items.map((item) => item.topic))] });
    if (refused && items.some((item) => item.topic === refused)) throw new Error('throttled for good');
  };
  const history = record('history');
  return {
    calls,
    port: {
      writeHistory: (_day: string, points: readonly { topic: string }[]) => history(points),
      writeExplanations: record('explanations'),
      deleteExplanations: record('deletions'),
    },
  };
};

describe('PendingAccountWrites', () => {
  it("writes every topic's items together, one call of each kind", async () => {
    const store = accounts();
    const writes = new PendingAccountWrites(store.port, '2026-12-04', 1_000);
    await writes.add('a', { history: [point('a', '1')], explanations: [explanation('a', '1')] });
    await writes.add('b', { explanations: [explanation('b', '2')], gone: [{ network: 'x', id: '3', topic: 'b' }] });
    expect(store.calls).toEqual([]);
    await writes.flush();
    expect(store.calls).toEqual([
      { kind: 'history', topics: ['a'] },
      { kind: 'explanations', topics: ['a', 'b'] },
      { kind: 'deletions', topics: ['b'] },
    ]);
    expect(writes.failureOf('a')).toBeUndefined();
  });

  it('writes once it holds its limit', async () => {
    const store = accounts();
    const writes = new PendingAccountWrites(store.port, '2026-12-04', 3);
    await writes.add('a', { explanations: [explanation('a', '1'), explanation('a', '2')] });
    expect(store.calls).toEqual([]);
    await writes.add('b', { explanations: [explanation('b', '3')] });
    expect(store.calls.find((call) => call.kind === 'explanations')).toEqual({ kind: 'explanations', topics: ['a', 'b'] });
  });

  it("writes each topic's items alone when together they fail, and fails only the topic whose writes fail", async () => {
    const store = accounts('physics');
    const writes = new PendingAccountWrites(store.port, '2026-12-04', 1_000);
    await writes.add('physics', { explanations: [explanation('physics', '1')] });
    await writes.add('gardening', { explanations: [explanation('gardening', '2')] });
    await writes.flush();
    expect(writes.failureOf('physics')).toBeInstanceOf(Error);
    expect(writes.failureOf('gardening')).toBeUndefined();
    expect(store.calls.filter((call) => call.kind === 'explanations')).toEqual([
      { kind: 'explanations', topics: ['physics', 'gardening'] },
      { kind: 'explanations', topics: ['physics'] },
      { kind: 'explanations', topics: ['gardening'] },
    ]);
  });

  it("takes a million accounts' history points at once", async () => {
    const store = accounts();
    const writes = new PendingAccountWrites(store.port, '2026-12-04', 5_000);
    await writes.add('*', { history: Array.from({ length: 1_000_000 }, (_, i) => point('*', String(i))) });
    expect(store.calls.find((call) => call.kind === 'history')).toEqual({ kind: 'history', topics: ['*'] });
  });

  it('writes nothing of a topic it was told to discard', async () => {
    const store = accounts();
    const writes = new PendingAccountWrites(store.port, '2026-12-04', 2);
    await writes.add('broken', { explanations: [explanation('broken', '1')] });
    writes.discard('broken');
    await writes.add('fine', { explanations: [explanation('fine', '2')] });
    await writes.flush();
    expect(store.calls.filter((call) => call.kind === 'explanations')).toEqual([{ kind: 'explanations', topics: ['fine'] }]);
  });
});
