/**
 * `npx tsx bench/scoring-evaluation.ts`: the evaluation table of docs/SCORING.md on the seeded
 * world with planted truth — precision@10, where the best gamer and the ring rank, the calibration,
 * and how far one extra interaction moves any score on a 10,000-account graph.
 */
import type { Interaction } from '../lib/interactions/schema';
import { aggregateInMemory } from '../lib/scoring/evaluation/in-memory-aggregates';
import { plantedWorld } from '../lib/scoring/evaluation/planted-world';
import { seededRandom } from '../lib/scoring/evaluation/seeded-random';
import { scoreTopic } from '../lib/scoring/topic-scores';

const world = plantedWorld();
const aggregates = aggregateInMemory(world.interactions);
for (const topic of world.topics) {
  const { edges, posts } = aggregates.get(topic)!;
  const { ranked } = scoreTopic(edges, posts, world.asOf);
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
  return new Map(scoreTopic(edges, posts, large.asOf).ranked.map((entry) => [entry.account, entry.score]));
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
