/**
 * Incremental runs (docs/SCORING.md): rescoring some authors against the frozen model of the last
 * full pass gives exactly what that pass gave them, and moves an author by what its new interactions
 * bring and nobody else. How far it strays from a fresh full pass is measured in drift.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Interaction } from '../../../lib/domain/interactions/schema';
import { aggregatesTouching, indexOfAccount, topicAggregatesOf, type TopicAggregates } from '../../../lib/domain/scoring/engagement';
import { aggregateInMemory } from '../../../lib/dev/evaluation/in-memory-aggregates';
import { plantedWorld } from '../../../lib/dev/evaluation/planted-world';
import { seededRandom } from '../../../lib/dev/evaluation/seeded-random';
import { scoringModel } from '../../../lib/domain/scoring/model';
import { topicModelFromJSON, topicModelToJSON, type TopicModel } from '../../../lib/domain/scoring/topic-model';
import { rescoreAuthors, scoreTopic, type AccountTopicScore, type AuthorScore, type TopicScores } from '../../../lib/domain/scoring/topic-scores';
import { RANDOM_TOPIC_AS_OF, randomTopic } from './random-topic';

const world = plantedWorld();
const columnsOf = (interactions: Interaction[], topic: string): TopicAggregates => {
  const aggregates = aggregateInMemory(interactions).get(topic)!;
  return topicAggregatesOf(aggregates.edges, aggregates.posts);
};
const withoutRank = ({ rank: _rank, ...score }: AccountTopicScore): AuthorScore => score;

/** Rescores `authors` from only the rows touching them, and checks the result against the full pass, bit for bit. */
const expectSameAsFullPass = (full: TopicScores, input: TopicAggregates, authors: string[], asOf: Date, model: TopicModel = full.model): number => {
  const byAccount = new Map(full.ranked.map((entry) => [entry.account, withoutRank(entry)]));
  const { scores, unscored } = rescoreAuthors(model, aggregatesTouching(input, authors), authors, asOf);
  const wanted = [...new Set(authors)].sort();
  expect(scores).toEqual(wanted.filter((author) => byAccount.has(author)).map((author) => byAccount.get(author)));
  expect(unscored).toEqual(wanted.filter((author) => !byAccount.has(author)));
  return scores.length;
};

const sample = (accounts: string[], share: number, seed: number): string[] => {
  const random = seededRandom(seed);
  return accounts.filter(() => random() < share);
};

describe('rescoring authors against the frozen model of the full pass', () => {
  it('gives every author exactly the full pass’s score, log-score, factors and top engagers — random topics', () => {
    let compared = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const input = randomTopic(seed);
      const full = scoreTopic(input, RANDOM_TOPIC_AS_OF);
      const roundTripped = topicModelFromJSON(JSON.parse(JSON.stringify(topicModelToJSON(full.model))));
      for (const share of [0.05, 0.3, 1]) {
        const authors = [...sample(input.accounts, share, seed * 10 + share * 100), 'x:never-seen'];
        compared += expectSameAsFullPass(full, input, authors, RANDOM_TOPIC_AS_OF);
        expectSameAsFullPass(full, input, authors, RANDOM_TOPIC_AS_OF, roundTripped);
      }
    }
    expect(compared).toBeGreaterThan(2000);
  });

  it('gives every author exactly the full pass’s results — the planted world', () => {
    for (const topic of world.topics) {
      const input = columnsOf(world.interactions, topic);
      const full = scoreTopic(input, world.asOf);
      for (const [share, seed] of [
        [0.01, 1],
        [0.1, 2],
        [0.5, 3],
        [1, 4],
      ] as const) {
        expectSameAsFullPass(full, input, sample(input.accounts, share, seed), world.asOf);
      }
    }
  });
});

describe('incremental runs', () => {
  const topic = 'astronomy';
  const before = scoreTopic(columnsOf(world.interactions, topic), world.asOf);
  const model = before.model;
  const yesterday = new Date(world.asOf.getTime() - 86_400_000).toISOString();
  const decay = 2 ** (-1 / scoringModel.halfLifeDays);
  const engage = (type: Interaction['type'], actor: string, target: string): Interaction => ({
    id: `incremental-${actor}-${target}-${type}`,
    network: 'x',
    type,
    actor: { id: actor },
    target: { id: target },
    topics: [topic],
    occurredAt: yesterday,
  });
  const termsOf = (account: string) => {
    const i = indexOfAccount(model.accounts, account);
    return i < 0 ? model.unknownEngager : { weight: model.weight[i]!, discount: model.discount[i]! };
  };
  const factor = (entry: AuthorScore | undefined, name: string) => entry!.factors.find((candidate) => candidate.name === name)!.value;
  // Factor values are rounded to thousandths: two roundings apart at most.
  const expectNear = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(0.0011);
  const previous = new Map(before.ranked.map((entry) => [entry.account, withoutRank(entry)]));
  const engaged = new Set(
    world.interactions.filter((interaction) => interaction.target).map((interaction) => `${interaction.actor.id}>${interaction.target!.id}`),
  );
  /** Two scored users, neither of which ever engaged the other. */
  const strangers = (from: number): [string, string] => {
    for (let u = from; ; u++)
      for (let t = 0; t < 400; t++) {
        const [a, b] = [`astronomy-user-${u}`, `astronomy-user-${t}`];
        if (a !== b && previous.has(`x:${a}`) && previous.has(`x:${b}`) && !engaged.has(`${a}>${b}`) && !engaged.has(`${b}>${a}`)) return [a, b];
      }
  };

  it('moves the authors of new interactions by what they bring, against the frozen weights, and nobody else', () => {
    const [engager, author] = strangers(100);
    const extra = [engage('reply', 'newcomer', 'astronomy-star-3'), engage('like', engager, author)];
    const input = columnsOf([...world.interactions, ...extra], topic);
    const touched = ['x:newcomer', 'x:astronomy-star-3', `x:${engager}`, `x:${author}`];
    const { scores, unscored } = rescoreAuthors(model, aggregatesTouching(input, touched), touched, world.asOf);
    const now = new Map(scores.map((entry) => [entry.account, entry]));
    expect(unscored).toEqual(['x:newcomer']);

    // A reply from an account the pass never saw: its strength ln(1 + 3·decay), times the unknown engager's weight.
    const star = 'x:astronomy-star-3';
    const unknown = model.unknownEngager;
    expectNear(factor(now.get(star), 'response'), factor(previous.get(star), 'response') + Math.log1p(3 * decay) * unknown.discount * unknown.weight);
    expectNear(factor(now.get(star), 'breadth'), factor(previous.get(star), 'breadth') + unknown.discount * Math.min(1, unknown.weight));
    expect(now.get(star)!.logScore).toBeGreaterThan(previous.get(star)!.logScore);
    // A like from a known engager, with its frozen discount and weight.
    const { weight, discount } = termsOf(`x:${engager}`);
    expectNear(factor(now.get(`x:${author}`), 'response'), factor(previous.get(`x:${author}`), 'response') + Math.log1p(decay) * discount * weight);
    expectNear(factor(now.get(`x:${author}`), 'breadth'), factor(previous.get(`x:${author}`), 'breadth') + discount * Math.min(1, weight));
    // The engager's own score did not move: what it received, and what it returned, are the same.
    expect(now.get(`x:${engager}`)).toEqual(previous.get(`x:${engager}`));

    // Everyone else, rescored against the same model on the new world, is exactly as before.
    const others = before.ranked.map((entry) => entry.account).filter((account) => !touched.includes(account));
    const rest = rescoreAuthors(model, input, others, world.asOf);
    expect(rest.unscored).toEqual([]);
    expect(rest.scores).toEqual(others.sort().map((account) => previous.get(account)));
  });

  it('leaves an engagement as it was when it is returned: a conversation is not a ring', () => {
    const [engager, author] = strangers(150);
    const one = [engage('reply', engager, author)];
    const returned = [...one, engage('reply', author, engager)];
    const touched = [`x:${engager}`, `x:${author}`];
    const rescore = (extra: Interaction[]) =>
      new Map(
        rescoreAuthors(model, aggregatesTouching(columnsOf([...world.interactions, ...extra], topic), touched), touched, world.asOf).scores.map((entry) => [
          entry.account,
          entry,
        ]),
      );
    const [first, second] = [rescore(one), rescore(returned)];
    expect(second.get(`x:${author}`)).toEqual(first.get(`x:${author}`));
    // The reply back adds to the first engager's response, at the author's frozen weight.
    const { weight, discount } = termsOf(`x:${author}`);
    expectNear(factor(second.get(`x:${engager}`), 'response'), factor(first.get(`x:${engager}`), 'response') + Math.log1p(3 * decay) * discount * weight);
  });
});
