import { describe, expect, it } from 'vitest';
import { combinedScore } from '../../../lib/domain/profiles/combined-score';
import type { StoredAccount } from '../../../lib/adapters/dynamodb/accounts-store';

const account = (network: string, id: string, score: number, topics: [string, number][]): StoredAccount => ({
  network,
  id,
  handle: null,
  score,
  topicScores: new Map(topics),
  computedAt: '2026-11-25T00:00:00.000Z',
});

describe("a profile's combined score", () => {
  it('is the best account overall and in each topic, naming the account it comes from', () => {
    const combined = combinedScore([
      account('x', 'a', 40, [
        ['physics', 60],
        ['jazz', 10],
      ]),
      account('mastodon', 'b', 55, [['jazz', 30]]),
    ]);
    expect(combined).toEqual({
      score: 55,
      topics: [
        { topic: 'physics', score: 60, account: { network: 'x', id: 'a' } },
        { topic: 'jazz', score: 30, account: { network: 'mastodon', id: 'b' } },
      ],
    });
  });

  it('is not raised by adding more accounts of lower scores', () => {
    const one = combinedScore([account('x', 'a', 70, [['physics', 70]])])!;
    const many = combinedScore([
      account('x', 'a', 70, [['physics', 70]]),
      ...Array.from({ length: 10 }, (_, i) => account('x', `alt-${i}`, 30, [['physics', 30]])),
    ])!;
    expect(many.score).toBe(one.score);
    expect(many.topics).toEqual(one.topics);
  });

  it('is null without any scored account', () => {
    expect(combinedScore([])).toBeNull();
  });
});
