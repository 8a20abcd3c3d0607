/**
 * Account items at their limits, against DynamoDB Local: a change of more topics than one update
 * expression holds, and an account in more topics than one item holds, are written, never refused;
 * an opt-out record is never overwritten by either.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_STORED_TOPICS, type AccountChange, type AccountsStore } from '../../lib/adapters/dynamodb/accounts-store';
import { storesOver } from '../../lib/wiring/dependencies';
import { Table } from '../../lib/adapters/dynamodb/table';
import { isolatedTables } from '../support/isolated-tables';

let accounts: AccountsStore;
let optOut: (network: string, id: string) => Promise<void>;

beforeAll(async () => {
  const { db, mainTable } = await isolatedTables();
  const stores = storesOver(new Table(db, mainTable));
  accounts = stores.accounts;
  optOut = async (network, id) => {
    await stores.consent.optOut(network, id, new Date().toISOString());
  };
});

/** The longest topic slugs the contract allows, numbered. */
const topic = (i: number) => `t${String(i).padStart(5, '0')}-${'x'.repeat(57)}`;
const change = (id: string, topics: number[], score = (i: number) => 1 + (i % 990) / 10): AccountChange => ({
  network: 'x',
  id,
  score: 50,
  handle: `${id}-handle`,
  topicScores: Object.fromEntries(topics.map((i) => [topic(i), score(i)])),
  computedAt: '2026-12-01T00:00:00.000Z',
  runId: 'run-1',
});
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('an account item', () => {
  it('takes a change of 350 topics, set and dropped, in several updates', async () => {
    await accounts.applyAccountChanges([change('many', range(0, 350))]);
    const stored = await accounts.account('x', 'many');
    expect(stored).toMatchObject({ id: 'many', handle: 'many-handle', score: 50 });
    expect((stored as { topicScores: Map<string, number> }).topicScores.size).toBe(350);

    await accounts.applyAccountChanges([{ ...change('many', []), droppedTopics: range(0, 240).map(topic) }]);
    const after = (await accounts.account('x', 'many')) as { topicScores: Map<string, number> };
    expect([...after.topicScores.keys()].sort()).toEqual(range(240, 350).map(topic));
  });

  it('keeps its best topics when the account is in more than one item holds', async () => {
    const topics = range(0, 6_000);
    const score = (i: number) => 1 + (i % 997) / 10;
    for (let first = 0; first < topics.length; first += 1_500)
      await accounts.applyAccountChanges([change('everywhere', topics.slice(first, first + 1_500), score)]);
    const stored = (await accounts.account('x', 'everywhere')) as { topicScores: Map<string, number>; handle: string };
    expect(stored.handle).toBe('everywhere-handle');
    // 4,500 topics fit; the last 1,500 would have taken the item past 400 KB.
    expect(stored.topicScores.size).toBe(MAX_STORED_TOPICS);
    // Whatever it kept, it kept the best: no topic left out scores above one kept.
    const kept = Math.min(...stored.topicScores.values());
    const leftOut = topics.filter((i) => !stored.topicScores.has(topic(i))).map(score);
    expect(leftOut.every((value) => value <= kept)).toBe(true);
    expect(stored.topicScores.get(topic(996))).toBe(score(996));
  });

  it('is never written over an opt-out, however many topics the change has', async () => {
    await accounts.applyAccountChanges([change('leaving', range(0, 10))]);
    await optOut('x', 'leaving');
    await accounts.applyAccountChanges([change('leaving', range(0, 300)), change('staying', range(0, 3))]);
    expect(await accounts.account('x', 'leaving')).toEqual({ optedOut: true, network: 'x', id: 'leaving' });
    expect(await accounts.account('x', 'staying')).toMatchObject({ id: 'staying' });
  });
});
