/**
 * The scoring properties of DESIGN.md, each a test that could fail, on a seeded world with
 * planted truth (lib/dev/evaluation/planted-world.ts), aggregated in memory by the log's rules
 * (tests/integration/in-memory-aggregation.test.ts holds that aggregation to the service's own).
 */
import { describe, expect, it } from 'vitest';
import type { Interaction } from '../../../lib/domain/interactions/schema';
import { topicAggregatesOf } from '../../../lib/domain/scoring/engagement';
import { aggregateInMemory, type TopicAggregateRows } from '../../../lib/dev/evaluation/in-memory-aggregates';
import { plantedWorld } from '../../../lib/dev/evaluation/planted-world';
import { seededRandom } from '../../../lib/dev/evaluation/seeded-random';
import { scoringModel } from '../../../lib/domain/scoring/model';
import { scoreTopic, type TopicScores } from '../../../lib/domain/scoring/topic-scores';

const world = plantedWorld();
const noAggregates: TopicAggregateRows = { edges: [], posts: [], content: [] };
const scoresOf = (interactions: Interaction[], topic: string, asOf = world.asOf): TopicScores => {
  const aggregates = aggregateInMemory(interactions).get(topic) ?? noAggregates;
  return scoreTopic(topicAggregatesOf(aggregates.edges, aggregates.posts), asOf);
};
const byAccount = (scores: TopicScores) => new Map(scores.ranked.map((entry) => [entry.account, entry]));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const day = (daysAgo: number) => new Date(world.asOf.getTime() - daysAgo * 86_400_000).toISOString();
let sequence = 0;
const engage = (type: Interaction['type'], actor: string, target: string, topic = 'astronomy', daysAgo = 1): Interaction => ({
  id: `extra-${++sequence}`,
  network: 'x',
  type,
  actor: { id: actor },
  target: { id: target },
  topics: [topic],
  occurredAt: day(daysAgo),
});
const post = (actor: string, topic = 'astronomy'): Interaction => ({
  id: `extra-${++sequence}`,
  network: 'x',
  type: 'post',
  actor: { id: actor },
  topics: [topic],
  occurredAt: day(2),
});

const plantedAggregates = aggregateInMemory(world.interactions);
/** Accounts of a topic, best first, by the real scorer. */
const scoredRanking = (topic: string): string[] => {
  const { edges, posts } = plantedAggregates.get(topic)!;
  return scoreTopic(topicAggregatesOf(edges, posts), world.asOf).ranked.map((entry) => entry.account);
};
/** The trivial scorer a real one has to beat: accounts by how many distinct accounts engaged them (ties by name). */
const distinctEngagerRanking = (topic: string): string[] => {
  const engagers = new Map<string, Set<string>>();
  for (const { author, engager } of plantedAggregates.get(topic)!.edges) engagers.set(author, (engagers.get(author) ?? new Set()).add(engager));
  return [...engagers].sort(([a, x], [b, y]) => y.size - x.size || (a < b ? -1 : 1)).map(([account]) => account);
};

/**
 * The bar for finding the planted truth: over the four topics, at most one of the 40 top-10 places
 * goes to an account that is not a planted influencer, and no gamer reaches a top 20. Counting
 * distinct engagers gets 0.925 (a popular peer edges out a star in three topics) and lets the
 * like farm or the lockstep targets into every top 20, so the bar tells a scorer from a count.
 */
const MEAN_PRECISION_AT_10 = 0.975;
const againstPlantedTruth = (rankingOf: (topic: string) => string[]) => {
  const precision: Record<string, number> = {};
  const gamersInTop20: Record<string, string[]> = {};
  for (const topic of world.topics) {
    const ranking = rankingOf(topic);
    const influencers = new Set(world.influencers.get(topic));
    const gamers = new Set(world.gamers.get(topic));
    precision[topic] = ranking.slice(0, 10).filter((account) => influencers.has(account)).length / 10;
    gamersInTop20[topic] = ranking.slice(0, 20).filter((account) => gamers.has(account));
  }
  const meanPrecision = Object.values(precision).reduce((sum, value) => sum + value, 0) / world.topics.length;
  return { precision, meanPrecision, gamersInTop20 };
};

describe('scoring on a world with planted truth', () => {
  it(`finds the planted influencers: mean precision@10 over the topics ≥ ${MEAN_PRECISION_AT_10}, and no gamer in any top 20`, () => {
    const { meanPrecision, gamersInTop20 } = againstPlantedTruth(scoredRanking);
    expect(meanPrecision).toBeGreaterThanOrEqual(MEAN_PRECISION_AT_10);
    expect(gamersInTop20).toEqual(Object.fromEntries(world.topics.map((topic) => [topic, []])));
  });

  it('sets a bar that ranking by the count of distinct engagers does not clear', () => {
    const { meanPrecision, gamersInTop20 } = againstPlantedTruth(distinctEngagerRanking);
    expect(meanPrecision).toBeLessThan(MEAN_PRECISION_AT_10);
    for (const topic of world.topics) expect(gamersInTop20[topic]!.length).toBeGreaterThan(0);
  });

  it('keeps a reciprocal ring of fake accounts below the median with only each other’s help', () => {
    const { ranked } = scoresOf(world.interactions, 'jazz');
    const middle = median(ranked.map((entry) => entry.score));
    const ring = ranked.filter((entry) => entry.account.startsWith('x:jazz-ring-'));
    expect(ring).toHaveLength(8);
    for (const member of ring) expect(member.score).toBeLessThan(middle);
  });

  it('keeps a farm out of the top 20 whether its bots like once or come back, and counts dedicated bots as one', () => {
    // 40 accounts nobody responds to around each of two accounts: one-off likes, or bots that came back on 10 days.
    const oneOff = Array.from({ length: 40 }, (_, i) => engage('like', `one-off-${i}`, 'astronomy-user-300', 'astronomy', 1 + (i % 20)));
    const dedicated = Array.from({ length: 40 }, (_, i) =>
      Array.from({ length: 10 }, (_, d) => engage('like', `bot-${i}`, 'astronomy-user-301', 'astronomy', 1 + d)),
    ).flat();
    const scoreMap = (result: TopicScores) => new Map(result.ranked.map((entry) => [entry.account, entry]));
    const before = scoreMap(scoresOf(world.interactions, 'astronomy'));
    const after = scoreMap(scoresOf([...world.interactions, ...oneOff, ...dedicated], 'astronomy'));
    for (const farmed of ['x:astronomy-user-300', 'x:astronomy-user-301']) expect(after.get(farmed)!.rank).toBeGreaterThan(20);
    // The dedicated cohort is one engager: its breadth grows by one at most.
    const breadth = (entry: TopicScores['ranked'][number] | undefined) => entry?.factors.find((factor) => factor.name === 'breadth')?.value ?? 0;
    expect(breadth(after.get('x:astronomy-user-301'))).toBeLessThanOrEqual(breadth(before.get('x:astronomy-user-301')) + 1);
  });

  it('calibrates to a stable, population-relative 1–100: median about 20, top 5% from 50, 100 only at the top', () => {
    const { ranked } = scoresOf(world.interactions, 'cooking');
    const scores = ranked.map((entry) => entry.score);
    expect(median(scores)).toBeGreaterThan(18);
    expect(median(scores)).toBeLessThan(22);
    const top5 = scores.slice(0, Math.ceil(scores.length * 0.05));
    expect(Math.min(...top5)).toBeGreaterThanOrEqual(49);
    expect(scores.filter((score) => score === 100)).toHaveLength(1);
    expect(scores.every((score) => score >= 1 && score <= 100 && Math.round(score * 10) === score * 10)).toBe(true);
  });

  it('explains every score by what produced it: the factor values give the log-score, each contribution is its factor’s share, each top engager its own interactions', () => {
    const { factorWeights, responseUnit } = scoringModel;
    // Factor values are shown to thousandths: each part lies between those of the value ± half a thousandth.
    const partBetween = (weight: number, value: number) =>
      [weight * Math.log1p(Math.max(0, value - 0.0005) / responseUnit), weight * Math.log1p((value + 0.0005) / responseUnit)] as const;
    const interactionsOf = new Map<string, number>();
    for (const { type, actor, target, topics } of world.interactions) {
      if (type === 'post' || !target || target.id === actor.id) continue;
      for (const topic of topics ?? []) {
        const pair = `${topic}|x:${target.id}|x:${actor.id}`;
        interactionsOf.set(pair, (interactionsOf.get(pair) ?? 0) + 1);
      }
    }
    let explained = 0;
    for (const topic of world.topics) {
      const { ranked } = scoresOf(world.interactions, topic);
      ranked.forEach((entry, position) => {
        expect(entry.rank).toBe(position + 1);
        if (position > 0) expect(entry.logScore).toBeLessThanOrEqual(ranked[position - 1]!.logScore);
        expect(entry.factors.map((factor) => factor.name)).toEqual(['base', 'response', 'breadth', 'efficiency']);
        const [base, ...parts] = entry.factors;
        expect(base!.value).toBe(1);
        expect(Math.abs(base!.contribution - 1)).toBeLessThanOrEqual(0.02);
        const bounds = parts.map((factor) => partBetween(factorWeights[factor.name as keyof typeof factorWeights], factor.value));
        expect(entry.logScore).toBeGreaterThanOrEqual(bounds.reduce((sum, [low]) => sum + low, 0) - 1e-9);
        expect(entry.logScore).toBeLessThanOrEqual(bounds.reduce((sum, [, high]) => sum + high, 0) + 1e-9);
        // Contributions are rounded to hundredths and the leftover goes to the largest (base included): 0.02 at most off its share.
        parts.forEach((factor, f) => {
          const [low, high] = bounds[f]!;
          expect(factor.contribution).toBeGreaterThanOrEqual(((entry.score - 1) * low) / entry.logScore - 0.02);
          expect(factor.contribution).toBeLessThanOrEqual(((entry.score - 1) * high) / entry.logScore + 0.02);
        });
        expect(entry.topEngagers.length).toBeGreaterThan(0);
        expect(entry.topEngagers.length).toBeLessThanOrEqual(5);
        expect(entry.topEngagers[0]!.weight).toBeGreaterThan(0);
        entry.topEngagers.forEach((engager, e) => {
          expect(engager.interactions).toBe(interactionsOf.get(`${topic}|${entry.account}|${engager.account}`));
          // A share is rounded to thousandths: a bot's next to a regular's can round to 0.
          expect(engager.weight).toBeGreaterThanOrEqual(0);
          if (e > 0) expect(engager.weight).toBeLessThanOrEqual(entry.topEngagers[e - 1]!.weight);
        });
        expect(entry.topEngagers.reduce((sum, engager) => sum + engager.weight, 0)).toBeLessThanOrEqual(1.0025);
        explained++;
      });
    }
    expect(explained).toBeGreaterThan(1000);
  }, 30_000);
});

describe('value over volume, relevance, authority, time, determinism', () => {
  it('does not raise a score when the posts double with the same total response', () => {
    const base = [...world.interactions, ...Array.from({ length: 10 }, () => post('astronomy-user-5'))];
    const doubled = [...base, ...Array.from({ length: 10 }, () => post('astronomy-user-5'))];
    const before = byAccount(scoresOf(base, 'astronomy')).get('x:astronomy-user-5')!.score;
    const after = byAccount(scoresOf(doubled, 'astronomy')).get('x:astronomy-user-5')!.score;
    expect(after).toBeLessThanOrEqual(before);
  });

  it('counts breadth: the same response from distinct engagers beats it from one', () => {
    const spread = Array.from({ length: 6 }, (_, i) => engage('reply', `astronomy-user-${100 + i}`, 'spread'));
    const concentrated = Array.from({ length: 6 }, () => engage('reply', 'astronomy-user-100', 'concentrated'));
    const scores = byAccount(scoresOf([...world.interactions, ...spread, ...concentrated], 'astronomy'));
    expect(scores.get('x:spread')!.score).toBeGreaterThan(scores.get('x:concentrated')!.score);
  });

  it('weighs a reply from an influential account above one from an account nobody engages with', () => {
    const extra = [engage('reply', 'astronomy-star-0', 'noticed-by-a-star'), engage('reply', 'nobody-engages-me', 'noticed-by-a-nobody')];
    const scores = byAccount(scoresOf([...world.interactions, ...extra], 'astronomy'));
    expect(scores.get('x:noticed-by-a-star')!.score).toBeGreaterThan(scores.get('x:noticed-by-a-nobody')!.score);
  });

  it('scores a topic only from response to content in that topic', () => {
    const offTopic = Array.from({ length: 30 }, (_, i) => engage('reply', `cooking-user-${i}`, 'chef', 'cooking'));
    const scores = [...world.interactions, ...offTopic];
    expect(byAccount(scoresOf(scores, 'cooking')).has('x:chef')).toBe(true);
    expect(byAccount(scoresOf(scores, 'astronomy')).has('x:chef')).toBe(false);
  });

  it('counts self-interactions for nothing, and decays old response away after the window', () => {
    const self = Array.from({ length: 50 }, () => engage('reply', 'narcissus', 'narcissus'));
    const old = Array.from({ length: 20 }, (_, i) => engage('reply', `astronomy-user-${i}`, 'has-been', 'astronomy', 120));
    const scores = byAccount(scoresOf([...world.interactions, ...self, ...old], 'astronomy'));
    expect(scores.has('x:narcissus')).toBe(false);
    expect(scores.has('x:has-been')).toBe(false);
  });

  it('gives identical scores, bit for bit, whatever the order of arrival', () => {
    const random = seededRandom(99);
    const shuffled = [...world.interactions]
      .map((interaction) => ({ interaction, key: random() }))
      .sort((a, b) => a.key - b.key)
      .map(({ interaction }) => interaction);
    expect(scoresOf(shuffled, 'football')).toEqual(scoresOf(world.interactions, 'football'));
  });
});
