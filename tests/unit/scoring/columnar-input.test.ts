/**
 * Scoring reads columns with a sorted account dictionary: how aggregates are encoded and
 * restricted to some authors, the order of a ranking, and the frozen topic model as JSON. On small
 * random topics, fast enough for the mutation run; the bit-for-bit invariances over many topics and
 * the planted world are in columnar-invariance.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { aggregatesTouching, indexOfAccount, topicAggregatesOf, type TopicAggregates } from '../../../lib/domain/scoring/engagement';
import { topicModelFromJSON, topicModelToJSON } from '../../../lib/domain/scoring/topic-model';
import { compareAuthorScores, scoreTopic, scoreTopicRanking } from '../../../lib/domain/scoring/topic-scores';
import { RANDOM_TOPIC_AS_OF, randomTopic } from './random-topic';

describe('columnar aggregates', () => {
  it('are dictionary-encoded with the accounts in UTF-16 code unit order, rows kept as they come', () => {
    const input = topicAggregatesOf(
      [
        { author: 'x:b', engager: 'x:B', day: '2026-11-20', counts: { reply: 2, follow: 1 } },
        { author: 'x:é', engager: 'x:b', day: '2026-11-21', counts: { like: 3 } },
        { author: 'x:b', engager: 'x:B', day: '2026-11-20', counts: { reply: 1 } },
      ],
      [{ author: 'bsky:z', day: '2026-11-19', posts: 4 }],
    );
    expect(input.accounts).toEqual(['bsky:z', 'x:B', 'x:b', 'x:é']);
    expect(Array.from(input.edges.author)).toEqual([2, 3, 2]);
    expect(Array.from(input.edges.engager)).toEqual([1, 2, 1]);
    expect(Array.from(input.edges.day)).toEqual([20777, 20778, 20777]);
    expect(Array.from(input.edges.reply)).toEqual([2, 0, 1]);
    expect(Array.from(input.edges.like)).toEqual([0, 3, 0]);
    expect(Array.from(input.edges.follow)).toEqual([1, 0, 0]);
    expect({ author: Array.from(input.posts.author), day: Array.from(input.posts.day), count: Array.from(input.posts.count) }).toEqual({
      author: [0],
      day: [20776],
      count: [4],
    });
    expect(indexOfAccount(input.accounts, 'x:b')).toBe(2);
    expect(indexOfAccount(input.accounts, 'x:c')).toBe(-1);
    expect(['bsky:z', 'x:B', 'x:b', 'x:é'].map((account) => indexOfAccount(input.accounts, account))).toEqual([0, 1, 2, 3]);
    expect(['a:first', 'x:A', 'x:c', '~last'].map((account) => indexOfAccount(input.accounts, account))).toEqual([-1, -1, -1, -1]);
    expect(indexOfAccount([], 'x:a')).toBe(-1);
  });

  it('restricted to some authors, keep exactly their rows in and out, renumbered in name order', () => {
    const input = randomTopic(3);
    const authors = input.accounts.filter((_, i) => i % 5 === 0);
    const restricted = aggregatesTouching(input, authors);
    expect([...restricted.accounts].sort()).toEqual(restricted.accounts);
    const rowsOf = ({ accounts, edges }: TopicAggregates) =>
      Array.from({ length: edges.length }, (_, r) => `${accounts[edges.engager[r]!]}>${accounts[edges.author[r]!]}@${edges.day[r]}:${edges.like[r]}`).sort();
    const wanted = new Set(authors);
    expect(rowsOf(restricted)).toEqual(
      rowsOf(input).filter((row) => [...wanted].some((author) => row.startsWith(`${author}>`) || row.includes(`>${author}@`))),
    );
    const postsOf = ({ accounts, posts }: TopicAggregates) =>
      Array.from({ length: posts.length }, (_, r) => `${accounts[posts.author[r]!]}@${posts.day[r]}:${posts.count[r]}`).sort();
    expect(postsOf(restricted)).toEqual(postsOf(input).filter((row) => wanted.has(row.slice(0, row.indexOf('@')))));
    // Exactly the accounts those rows name.
    const named = new Set(
      [...Array.from(restricted.edges.author), ...Array.from(restricted.edges.engager), ...Array.from(restricted.posts.author)].map(
        (i) => restricted.accounts[i]!,
      ),
    );
    expect(restricted.accounts).toEqual([...named].sort());
  });
});

describe('the ranking', () => {
  it('orders by score, then log-score, then name — the order rescored authors are ranked in — and builds the same entries on demand', () => {
    // Seed 3's topic has 65 accounts that earn no response, seed 8's none.
    for (const seed of [3, 8, 9]) {
      const input = randomTopic(seed);
      const { ranked } = scoreTopic(input, RANDOM_TOPIC_AS_OF);
      expect([...ranked].reverse().sort(compareAuthorScores)).toEqual(ranked);
      const ranking = scoreTopicRanking(input, RANDOM_TOPIC_AS_OF);
      expect(ranking.count).toBe(ranked.length);
      expect(Array.from({ length: ranking.count }, (_, position) => ranking.entry(position))).toEqual(ranked);
      expect(Array.from({ length: ranking.count }, (_, position) => ranking.account(position))).toEqual(ranked.map((entry) => entry.account));
      expect(Array.from(ranking.score)).toEqual(ranked.map((entry) => entry.score));
      expect(Array.from(ranking.logScore)).toEqual(ranked.map((entry) => entry.logScore));
      // Every account of the input is either ranked or unscored, never both.
      const scored = new Set(ranked.map((entry) => entry.account));
      expect(ranking.unscored()).toEqual(input.accounts.filter((account) => !scored.has(account)));
      expect(ranking.unscored().length + ranking.count).toBe(input.accounts.length);
      expect(ranked.map((entry) => ranking.positionOf(entry.account))).toEqual(ranked.map((_, position) => position));
      expect(ranking.unscored().every((account) => ranking.positionOf(account) === -1)).toBe(true);
      expect(ranking.positionOf('nobody:at-all')).toBe(-1);
      expect(Array.from(ranking.positionsByName(), (position) => ranking.account(position))).toEqual(ranked.map((entry) => entry.account).sort());
    }
    // Equal scores: by log-score, then by name.
    const entry = (account: string, score: number, logScore: number) => ({ account, score, logScore, factors: [], topEngagers: [], flags: 0 });
    const tied = [entry('x:b', 20, 2), entry('x:a', 20, 2), entry('x:c', 20, 3), entry('x:d', 21, 1), entry('x:a', 20, 2)];
    expect([...tied].sort(compareAuthorScores).map(({ account }) => account)).toEqual(['x:d', 'x:c', 'x:a', 'x:a', 'x:b']);
    expect(compareAuthorScores(tied[1]!, tied[4]!)).toBe(0);
  });
});

describe('the topic model', () => {
  it('is JSON-safe and reads back the same, numbers bit for bit', () => {
    for (const seed of [5, 6, 7]) {
      const { model } = scoreTopic(randomTopic(seed), RANDOM_TOPIC_AS_OF);
      const json = JSON.parse(JSON.stringify(topicModelToJSON(model)));
      expect(topicModelFromJSON(json)).toEqual(model);
    }
  });

  it('refuses columns that are not sorted or do not match', () => {
    const json = topicModelToJSON(scoreTopic(randomTopic(2), RANDOM_TOPIC_AS_OF).model);
    expect(() => topicModelFromJSON({ ...json, accounts: [...json.accounts].reverse() })).toThrow(/sorted/);
    expect(() => topicModelFromJSON({ ...json, weight: json.weight.slice(1) })).toThrow(/length/);
    expect(() => topicModelFromJSON({ ...json, discount: json.discount.slice(1) })).toThrow(/length/);
    expect(() => topicModelFromJSON({ ...json, accounts: [json.accounts[0]!, ...json.accounts.slice(0, -1)] })).toThrow(/sorted and distinct/);
    expect(() => topicModelFromJSON({ ...json, version: 2 as 1 })).toThrow(/unknown topic model version 2/);
    expect(topicModelFromJSON(json).accounts).toEqual(json.accounts);
  });
});
