/**
 * The planted world's gaming checks under given constants, shared by bench/scoring-evaluation.ts
 * (the model as it is) and `bench/validity.ts --ablations` (the model with one thing changed).
 * Besides the world's own gamers, each topic gets a farm of 40 throwaway accounts that like one
 * account once each (`<topic>-one-off-target`): the cheapest attack, indistinguishable from 40
 * passers-by but for the accounts' lack of standing.
 */
import type { Interaction } from '../lib/domain/interactions/schema';
import { topicAggregatesOf } from '../lib/domain/scoring/engagement';
import { aggregateInMemory } from '../lib/dev/evaluation/in-memory-aggregates';
import { plantedWorld } from '../lib/dev/evaluation/planted-world';
import { scoringModel, type ScoringModel } from '../lib/domain/scoring/model';
import { scoreTopic, type AccountTopicScore } from '../lib/domain/scoring/topic-scores';

const DAY_MS = 86_400_000;

export interface PlantedTopicChecks {
  topic: string;
  scored: number;
  precisionAt10: number;
  bestGamer: AccountTopicScore | undefined;
  ring: AccountTopicScore[];
  farmed: AccountTopicScore | undefined;
  oneOffFarmed: AccountTopicScore | undefined;
  median: number;
  p95: number;
}

export const oneOffFarm = (topic: string, asOf: Date): Interaction[] =>
  Array.from({ length: 40 }, (_, i) => ({
    id: `one-off-${topic}-${i}`,
    network: 'x',
    type: 'like',
    actor: { id: `${topic}-one-off-${i}` },
    target: { id: `${topic}-one-off-target` },
    topics: [topic],
    occurredAt: new Date(asOf.getTime() - (1 + (i % 30)) * DAY_MS).toISOString(),
  }));

export const plantedWorldChecks = (constants: ScoringModel = scoringModel): PlantedTopicChecks[] => {
  const world = plantedWorld();
  const aggregates = aggregateInMemory([...world.interactions, ...world.topics.flatMap((topic) => oneOffFarm(topic, world.asOf))]);
  return world.topics.map((topic) => {
    const { edges, posts } = aggregates.get(topic)!;
    const ranked = scoreTopic(topicAggregatesOf(edges, posts), world.asOf, { constants }).ranked;
    const influencers = new Set(world.influencers.get(topic));
    const gamers = new Set(world.gamers.get(topic));
    const scores = ranked.map((entry) => entry.score).sort((a, b) => a - b);
    return {
      topic,
      scored: ranked.length,
      precisionAt10: ranked.slice(0, 10).filter((entry) => influencers.has(entry.account)).length / 10,
      bestGamer: ranked.find((entry) => gamers.has(entry.account)),
      ring: ranked.filter((entry) => entry.account.includes('-ring-')),
      farmed: ranked.find((entry) => entry.account === `x:${topic}-farmed`),
      oneOffFarmed: ranked.find((entry) => entry.account === `x:${topic}-one-off-target`),
      median: scores[Math.floor(scores.length / 2)]!,
      p95: scores[Math.floor(scores.length * 0.95)]!,
    };
  });
};
