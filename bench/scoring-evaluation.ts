/**
 * `npx tsx bench/scoring-evaluation.ts`: the evaluation table of docs/SCORING.md on the seeded
 * world with planted truth — precision@10, where the best gamer and the ring rank, the calibration,
 * how far one extra interaction moves any score on a 10,000-account graph, and how far incremental
 * runs stray from a fresh full pass.
 */
import type { Interaction } from '../lib/domain/interactions/schema';
import { aggregateInMemory } from '../lib/dev/evaluation/in-memory-aggregates';
import { incrementalDrift, newInteractions } from '../lib/dev/evaluation/incremental-drift';
import { plantedWorld } from '../lib/dev/evaluation/planted-world';
import { seededRandom } from '../lib/dev/evaluation/seeded-random';
import { plantedWorldChecks } from './planted-world-checks';
import { topicAggregatesOf } from '../lib/domain/scoring/engagement';
import { scoreTopic } from '../lib/domain/scoring/topic-scores';

for (const checks of plantedWorldChecks()) {
  const { topic, scored, precisionAt10, bestGamer, ring, farmed, oneOffFarmed, median, p95 } = checks;
  console.log(
    `${topic}: ${scored} scored; precision@10 ${precisionAt10}; best gamer ${bestGamer?.account} #${bestGamer?.rank} (${bestGamer?.score}); ` +
      `ring ranks #${ring[0]?.rank}–#${ring.at(-1)?.rank}, score ${ring[0]?.score}; like farm #${farmed?.rank} (${farmed?.score}); ` +
      `40 one-off likes #${oneOffFarmed?.rank} (${oneOffFarmed?.score}); median ${median}, p95 ${p95}`,
  );
}

// The ring pushed from outside: one like to a member, from an influencer or from an ordinary user (docs/SCORING.md, "Incremental runs").
const world = plantedWorld();
const aggregates = aggregateInMemory(world.interactions);
const ringAfter = (extra: Interaction[]) => {
  const { edges, posts } = (extra.length ? aggregateInMemory([...world.interactions, ...extra]) : aggregates).get('jazz')!;
  const ring = scoreTopic(topicAggregatesOf(edges, posts), world.asOf).ranked.filter((entry) => entry.account.includes('-ring-'));
  return ring.map((entry) => `${entry.account.replace('x:jazz-', '')} ${entry.score} (#${entry.rank})`).join(', ');
};
const likeOfRing2 = (actor: string): Interaction => ({
  id: `ring-push-${actor}`,
  network: 'x',
  type: 'like',
  actor: { id: actor },
  target: { id: 'jazz-ring-2' },
  topics: ['jazz'],
  occurredAt: new Date(world.asOf.getTime() - 86_400_000).toISOString(),
});
console.log(`jazz ring as it is: ${ringAfter([])}`);
console.log(`jazz ring after one like from jazz-star-1 to jazz-ring-2: ${ringAfter([likeOfRing2('jazz-star-1')])}`);
console.log(`jazz ring after one like from jazz-user-5 to jazz-ring-2: ${ringAfter([likeOfRing2('jazz-user-5')])}`);

const large = plantedWorld({ seed: 11, usersPerTopic: 10_000, engagementsPerUser: 20, topics: ['astronomy'] });
const scoresOf = (interactions: Interaction[]) => {
  const { edges, posts } = aggregateInMemory(interactions).get('astronomy')!;
  return new Map(scoreTopic(topicAggregatesOf(edges, posts), large.asOf).ranked.map((entry) => [entry.account, entry.score]));
};
const before = scoresOf(large.interactions);
const random = seededRandom(5);
const engagements = large.interactions.filter((interaction) => interaction.type !== 'post');
let worst = 0;
for (let trial = 0; trial < 5; trial++) {
  const template = engagements[Math.floor(random() * engagements.length)]!;
  for (const [account, score] of scoresOf([...large.interactions, { ...template, id: `drift-${trial}` }])) {
    worst = Math.max(worst, Math.abs(score - (before.get(account) ?? 1)));
  }
}
console.log(`one extra interaction on ${before.size} scored accounts (5 trials): largest move ${worst.toFixed(2)}`);

// Incremental runs: both ends of 1, 10 and 100 new interactions rescored against the frozen model
// of the full pass before them, against a fresh full pass (docs/SCORING.md, "Incremental runs").
const SEEDS = 10;
for (const kind of ['repeat', 'new-pair'] as const) {
  for (const count of [1, 10, 100]) {
    const figures = world.topics.flatMap((topic) => {
      const before = scoreTopic(topicAggregatesOf(aggregates.get(topic)!.edges, aggregates.get(topic)!.posts), world.asOf);
      return Array.from({ length: SEEDS }, (_, seed) => incrementalDrift(world, topic, before, newInteractions(world, topic, count, kind, seed + 1)));
    });
    const largest = (key: 'worst' | 'worstTouched' | 'worstUntouched' | 'p99') => Math.max(...figures.map((figure) => figure[key])).toFixed(1);
    console.log(
      `incremental, ${count} ${kind} interaction(s), ${world.topics.length} topics × ${SEEDS} draws: largest |incremental − fresh| ${largest('worst')} ` +
        `(rescored accounts ${largest('worstTouched')}, the others ${largest('worstUntouched')}); largest 99th percentile ${largest('p99')}`,
    );
  }
}
