/**
 * The invariances of scoring's columnar input on the planted world and many random topics, bit
 * for bit: row order, rows split into partial counts, unused accounts in the dictionary; and how
 * the frozen model prices an engager it never saw. Seconds long, so the mutation run
 * (vitest.unit.config.mts) leaves this file out; tests/unit/scoring/reference-model.test.ts and
 * columnar-input.test.ts hold the same code there.
 */
import { describe, expect, it } from 'vitest';
import { indexOfAccount, topicAggregatesOf, type TopicAggregates } from '../../../lib/domain/scoring/engagement';
import { aggregateInMemory } from '../../../lib/dev/evaluation/in-memory-aggregates';
import { plantedWorld } from '../../../lib/dev/evaluation/planted-world';
import { topicModelFromJSON, topicModelToJSON } from '../../../lib/domain/scoring/topic-model';
import { scoreTopic } from '../../../lib/domain/scoring/topic-scores';
import { RANDOM_TOPIC_AS_OF, randomTopic, shuffledAndSplit, withUnusedAccounts } from './random-topic';

const world = plantedWorld();
const planted = aggregateInMemory(world.interactions);
const plantedTopic = (topic: string): TopicAggregates => topicAggregatesOf(planted.get(topic)!.edges, planted.get(topic)!.posts);

describe('columnar aggregates', () => {
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
});

describe('the topic model of the planted world', () => {
  it('is JSON-safe and reads back the same, numbers bit for bit', () => {
    const { model } = scoreTopic(plantedTopic('jazz'), world.asOf);
    expect(topicModelFromJSON(JSON.parse(JSON.stringify(topicModelToJSON(model))))).toEqual(model);
  });

  it('prices an engager it does not know like an account nobody engaged with', () => {
    const { model } = scoreTopic(plantedTopic('cooking'), world.asOf);
    // Farm bots only ever like: nobody engages with them, as with an account the pass never saw.
    const bot = indexOfAccount(model.accounts, 'x:cooking-farm-bot-0');
    expect(model.weight[bot]).toBe(model.unknownEngager.weight);
    expect(model.unknownEngager.discount).toBe(1);
    expect(model.unknownEngager.weight).toBeLessThan(model.weight[indexOfAccount(model.accounts, 'x:cooking-star-0')]!);
  });
});
