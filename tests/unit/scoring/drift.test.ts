/**
 * How far scores move, measured on large or many seeded worlds: one extra interaction on a
 * 10,000-account graph, and incremental runs against a fresh full pass (docs/SCORING.md). Each
 * takes seconds, so mutation testing (stryker.config.mjs) leaves this file out: the exact tests
 * of the same code kill the same mutants in a fraction of the time.
 */
import { describe, expect, it } from 'vitest';
import type { Interaction } from '../../../lib/domain/interactions/schema';
import { topicAggregatesOf } from '../../../lib/domain/scoring/engagement';
import { aggregateInMemory } from '../../../lib/dev/evaluation/in-memory-aggregates';
import { incrementalDrift, newInteractions, type NewInteractionKind } from '../../../lib/dev/evaluation/incremental-drift';
import { plantedWorld } from '../../../lib/dev/evaluation/planted-world';
import { seededRandom } from '../../../lib/dev/evaluation/seeded-random';
import { scoreTopic, type TopicScores } from '../../../lib/domain/scoring/topic-scores';

const scoresOf = (interactions: Interaction[], topic: string, asOf: Date): TopicScores => {
  const { edges, posts } = aggregateInMemory(interactions).get(topic)!;
  return scoreTopic(topicAggregatesOf(edges, posts), asOf);
};
const byAccount = (scores: TopicScores) => new Map(scores.ranked.map((entry) => [entry.account, entry]));

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

describe('incremental runs against a fresh full pass', () => {
  const world = plantedWorld();
  // Measured over 4 topics × 10 draws by `npx tsx bench/scoring-evaluation.ts`; here on 3 draws.
  // `new-pair` interactions can move accounts a fresh pass lifts by authority (see docs/SCORING.md).
  const bounds: Record<NewInteractionKind, Record<number, { all: number; rescored: number }>> = {
    repeat: { 1: { all: 1.5, rescored: 1 }, 10: { all: 2.5, rescored: 1 }, 100: { all: 4, rescored: 2.5 } },
    'new-pair': { 1: { all: 45, rescored: 2.5 }, 10: { all: 45, rescored: 6 }, 100: { all: 45, rescored: 40 } },
  };
  for (const kind of ['repeat', 'new-pair'] as const) {
    it(`strays by no more than the stated bound with 1, 10 and 100 ${kind} interactions`, () => {
      for (const name of world.topics) {
        const full = scoresOf(world.interactions, name, world.asOf);
        for (const count of [1, 10, 100]) {
          for (let seed = 1; seed <= 3; seed++) {
            const drift = incrementalDrift(world, name, full, newInteractions(world, name, count, kind, seed));
            expect(drift.worst).toBeLessThanOrEqual(bounds[kind][count]!.all);
            expect(drift.worstTouched).toBeLessThanOrEqual(bounds[kind][count]!.rescored);
          }
        }
      }
    }, 60_000);
  }
});
