/**
 * Scoring reads columns with a sorted account dictionary: the same aggregates give the same
 * scores and model bit for bit, whatever the order of the rows, however a day's counts are split
 * between rows, and whatever accounts the dictionary holds besides those the rows name.
 */
import { describe, expect, it } from 'vitest';
import { aggregatesTouching, indexOfAccount, topicAggregatesOf, type TopicAggregates } from '../../../lib/scoring/engagement';
import { aggregateInMemory } from '../../../lib/scoring/evaluation/in-memory-aggregates';
import { plantedWorld } from '../../../lib/scoring/evaluation/planted-world';
import { topicModelFromJSON, topicModelToJSON } from '../../../lib/scoring/topic-model';
import { compareAuthorScores, scoreTopic, scoreTopicRanking } from '../../../lib/scoring/topic-scores';
import { RANDOM_TOPIC_AS_OF, randomTopic, shuffledAndSplit, withUnusedAccounts } from './random-topic';

const world = plantedWorld();
const planted = aggregateInMemory(world.interactions);
const plantedTopic = (topic: string): TopicAggregates => topicAggregatesOf(planted.get(topic)!.edges, planted.get(topic)!.posts);

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
    expect({ author: Array.from(input.posts.author), day: Array.from(input.posts.day), count: Array.from(input.posts.count) }).toEqual({ author: [0], day: [20776], count: [4] });
    expect(indexOfAccount(input.accounts, 'x:b')).toBe(2);
    expect(indexOfAccount(input.accounts, 'x:c')).toBe(-1);
  });

  it('give bit-identical scores and model for shuffled rows, rows split into partial counts, and unused accounts', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const input = randomTopic(seed);
      const expected = scoreTopic(input, RANDOM_TOPIC_AS_OF);
      expect(scoreTopic(shuffledAndSplit(input, seed + 1000), RANDOM_TOPIC_AS_OF)).toEqual(expected);
      expect(scoreTopic(withUnusedAccounts(input, ['x:unused', 'a:first', '~last']), RANDOM_TOPIC_AS_OF)).toEqual(expected);
    }
    for (const topic of world.topics) {
      const input = plantedTopic(topic);
      expect(scoreTopic(shuffledAndSplit(input, 7), world.asOf)).toEqual(scoreTopic(input, world.asOf));
    }
  });

  it('restricted to some authors, keep exactly their rows in and out, renumbered in name order', () => {
    const input = randomTopic(3);
    const authors = input.accounts.filter((_, i) => i % 5 === 0);
    const restricted = aggregatesTouching(input, authors);
    expect([...restricted.accounts].sort()).toEqual(restricted.accounts);
    const rowsOf = ({ accounts, edges }: TopicAggregates) =>
      Array.from({ length: edges.length }, (_, r) => `${accounts[edges.engager[r]!]}>${accounts[edges.author[r]!]}@${edges.day[r]}:${edges.like[r]}`).sort();
    const wanted = new Set(authors);
    expect(rowsOf(restricted)).toEqual(rowsOf(input).filter((row) => [...wanted].some((author) => row.startsWith(`${author}>`) || row.includes(`>${author}@`))));
  });
});

describe('the ranking', () => {
  it('orders by score, then log-score, then name — the order rescored authors are ranked in — and builds the same entries on demand', () => {
    const input = plantedTopic('football');
    const { ranked } = scoreTopic(input, world.asOf);
    expect([...ranked].sort(compareAuthorScores)).toEqual(ranked);
    const ranking = scoreTopicRanking(input, world.asOf);
    expect(ranking.count).toBe(ranked.length);
    expect(Array.from({ length: ranking.count }, (_, position) => ranking.entry(position))).toEqual(ranked);
    expect(Array.from(ranking.score)).toEqual(ranked.map((entry) => entry.score));
    expect(ranking.account(0)).toBe(ranked[0]!.account);
  });
});

describe('the topic model', () => {
  it('is JSON-safe and reads back the same, numbers bit for bit', () => {
    for (const [input, asOf] of [
      [plantedTopic('jazz'), world.asOf],
      [randomTopic(5), RANDOM_TOPIC_AS_OF],
    ] as const) {
      const { model } = scoreTopic(input, asOf);
      const json = JSON.parse(JSON.stringify(topicModelToJSON(model)));
      expect(topicModelFromJSON(json)).toEqual(model);
    }
  });

  it('prices an engager it does not know like an account nobody engaged with', () => {
    const { model } = scoreTopic(plantedTopic('cooking'), world.asOf);
    // Farm bots only ever like: nobody engages with them, as with an account the pass never saw.
    const bot = indexOfAccount(model.accounts, 'x:cooking-farm-bot-0');
    expect(model.weight[bot]).toBe(model.unknownEngager.weight);
    expect(model.unknownEngager.discount).toBe(1);
    expect(model.unknownEngager.weight).toBeLessThan(model.weight[indexOfAccount(model.accounts, 'x:cooking-star-0')]!);
  });

  it('refuses columns that are not sorted or do not match', () => {
    const json = topicModelToJSON(scoreTopic(randomTopic(2), RANDOM_TOPIC_AS_OF).model);
    expect(() => topicModelFromJSON({ ...json, accounts: [...json.accounts].reverse() })).toThrow(/sorted/);
    expect(() => topicModelFromJSON({ ...json, weight: json.weight.slice(1) })).toThrow(/length/);
  });
});
