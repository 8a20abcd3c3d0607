/**
 * `npx tsx bench/scoring-evaluation.ts`: the evaluation table of docs/SCORING.md on the seeded
 * world with planted truth — precision@10, where the best gamer and the ring rank, the calibration,
 * how far one extra interaction moves any score on a 10,000-account graph, and how far incremental
 * runs stray from a fresh full pass.
 */
import type { Interaction } from '../lib/interactions/schema';
import { aggregateInMemory } from '../lib/scoring/evaluation/in-memory-aggregates';
import { incrementalDrift, newInteractions } from '../lib/scoring/evaluation/incremental-drift';
import { plantedWorld } from '../lib/scoring/evaluation/planted-world';
import { seededRandom } from '../lib/scoring/evaluation/seeded-random';
import { topicAggregatesOf } from '../lib/scoring/engagement';
import { scoreTopic } from '../lib/scoring/topic-scores';

const world = plantedWorld();
const aggregates = aggregateInMemory(world.interactions);
for (const topic of world.topics) {
  const { edges, posts } = aggregates.get(topic)!;
  const { ranked } = scoreTopic(topicAggregatesOf(edges, posts), world.asOf);
  const influencers = new Set(world.influencers.get(topic));
  const gamers = new Set(world.gamers.get(topic));
  const scores = ranked.map((entry) => entry.score).sort((a, b) => a - b);
  const bestGamer = ranked.find((entry) => gamers.has(entry.account));
  const ring = ranked.filter((entry) => entry.account.includes('-ring-'));
  console.log(
    `${topic}: ${ranked.length} scored; precision@10 ${ranked.slice(0, 10).filter((entry) => influencers.has(entry.account)).length / 10}; ` +
      `best gamer ${bestGamer?.account} #${bestGamer?.rank} (${bestGamer?.score}); ring ranks #${ring[0]?.rank}–#${ring.at(-1)?.rank}, score ${ring[0]?.score}; ` +
      `median ${scores[Math.floor(scores.length / 2)]}, p95 ${scores[Math.floor(scores.length * 0.95)]}`,
  );
}

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
    const figures = world.topics.map((topic) => {
      const before = scoreTopic(topicAggregatesOf(aggregates.get(topic)!.edges, aggregates.get(topic)!.posts), world.asOf);
      return Array.from({ length: SEEDS }, (_, seed) => incrementalDrift(world, topic, before, newInteractions(world, topic, count, kind, seed + 1)));
    }).flat();
    const largest = (key: 'worst' | 'worstTouched' | 'worstUntouched' | 'p99') => Math.max(...figures.map((figure) => figure[key])).toFixed(1);
    console.log(
      `incremental, ${count} ${kind} interaction(s), ${world.topics.length} topics × ${SEEDS} draws: largest |incremental − fresh| ${largest('worst')} ` +
        `(rescored accounts ${largest('worstTouched')}, the others ${largest('worstUntouched')}); largest 99th percentile ${largest('p99')}`,
    );
  }
}
