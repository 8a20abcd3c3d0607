/**
 * The scoring properties of DESIGN.md, each a test that could fail, on a seeded world with
 * planted truth (lib/scoring/evaluation/planted-world.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Interaction } from '../../../lib/interactions/schema';
import { aggregateInMemory } from '../../../lib/scoring/evaluation/in-memory-aggregates';
import { plantedWorld } from '../../../lib/scoring/evaluation/planted-world';
import { seededRandom } from '../../../lib/scoring/evaluation/seeded-random';
import { scoreTopic, type TopicScores } from '../../../lib/scoring/topic-scores';

const world = plantedWorld();
const scoresOf = (interactions: Interaction[], topic: string, asOf = world.asOf): TopicScores => {
  const aggregates = aggregateInMemory(interactions).get(topic) ?? { edges: [], posts: [] };
  return scoreTopic(aggregates.edges, aggregates.posts, asOf);
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
const post = (actor: string, topic = 'astronomy'): Interaction => ({ id: `extra-${++sequence}`, network: 'x', type: 'post', actor: { id: actor }, topics: [topic], occurredAt: day(2) });

describe('scoring on a world with planted truth', () => {
  for (const topic of world.topics) {
    it(`finds the planted influencers of ${topic} (precision@10 ≥ 0.9) and no gamer in its top 20`, () => {
      const { ranked } = scoresOf(world.interactions, topic);
      const influencers = new Set(world.influencers.get(topic));
      const gamers = new Set(world.gamers.get(topic));
      expect(ranked.slice(0, 10).filter((entry) => influencers.has(entry.account)).length / 10).toBeGreaterThanOrEqual(0.9);
      expect(ranked.slice(0, 20).filter((entry) => gamers.has(entry.account)).map((entry) => entry.account)).toEqual([]);
    });
  }

  it('keeps a reciprocal ring of fake accounts below the median with only each other’s help', () => {
    const { ranked } = scoresOf(world.interactions, 'jazz');
    const middle = median(ranked.map((entry) => entry.score));
    const ring = ranked.filter((entry) => entry.account.startsWith('x:jazz-ring-'));
    expect(ring).toHaveLength(8);
    for (const member of ring) expect(member.score).toBeLessThan(middle);
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

  it('explains every score with factors whose contributions add up to it', () => {
    for (const topic of world.topics) {
      for (const entry of scoresOf(world.interactions, topic).ranked) {
        const total = entry.factors.reduce((sum, factor) => sum + factor.contribution, 0);
        expect(Math.abs(total - entry.score)).toBeLessThan(1e-9);
        expect(entry.factors.map((factor) => factor.name)).toEqual(['base', 'response', 'breadth', 'efficiency']);
        if (entry.topEngagers.length) expect(entry.topEngagers[0]!.weight).toBeGreaterThan(0);
      }
    }
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
    const shuffled = [...world.interactions].map((interaction) => ({ interaction, key: random() })).sort((a, b) => a.key - b.key).map(({ interaction }) => interaction);
    expect(scoresOf(shuffled, 'football')).toEqual(scoresOf(world.interactions, 'football'));
  });
});

describe('scores drift, they do not jump', () => {
  const large = plantedWorld({ seed: 11, usersPerTopic: 10_000, engagementsPerUser: 20, topics: ['astronomy'] });
  const topic = 'astronomy';
  const accounts = new Set(large.interactions.flatMap((interaction) => [interaction.actor.id, interaction.target?.id ?? interaction.actor.id]));

  // The extra interaction is drawn like the existing ones: from the same engagers, to the same kinds of targets.
  it('moves no score by more than 0.5 for one extra interaction on a 10,000-account graph', () => {
    expect(accounts.size).toBeGreaterThan(10_000);
    const before = byAccount(scoresOf(large.interactions, topic, large.asOf));
    const random = seededRandom(5);
    const engagements = large.interactions.filter((interaction) => interaction.type !== 'post' && interaction.topics?.includes(topic));
    let worst = 0;
    for (let trial = 0; trial < 5; trial++) {
      const template = engagements[Math.floor(random() * engagements.length)]!;
      const extra: Interaction = { ...template, id: `drift-${trial}` };
      const after = byAccount(scoresOf([...large.interactions, extra], topic, large.asOf));
      for (const [account, entry] of after) worst = Math.max(worst, Math.abs(entry.score - (before.get(account)?.score ?? 1)));
    }
    expect(worst).toBeLessThanOrEqual(0.5);
  }, 120_000);
});
