import type { Interaction } from '../../domain/interactions/schema';
import { aggregatesTouching, topicAggregatesOf } from '../../domain/scoring/engagement';
import { rescoreAuthors, scoreTopic, type TopicScores } from '../../domain/scoring/topic-scores';
import { aggregateInMemory } from './in-memory-aggregates';
import type { PlantedWorld } from './planted-world';
import { seededRandom } from './seeded-random';

/**
 * How new interactions are drawn from a world's engagements in a topic: `repeat` copies existing
 * ones (same engager, author and day: more of what is there); `new-pair` joins the engager of one
 * to the author of another, on one of the last 30 days (mostly pairs that did not exist).
 */
export type NewInteractionKind = 'repeat' | 'new-pair';

const DAY_MS = 86_400_000;
const TYPES = ['reply', 'reply', 'quote', 'share', 'share', 'like', 'like', 'like', 'like', 'mention'] as const;

export const newInteractions = (world: PlantedWorld, topic: string, count: number, kind: NewInteractionKind, seed: number): Interaction[] => {
  const random = seededRandom(seed);
  const engagements = world.interactions.filter((interaction) => interaction.type !== 'post' && interaction.topics?.includes(topic));
  const pick = () => engagements[Math.floor(random() * engagements.length)]!;
  return Array.from({ length: count }, (_, k): Interaction => {
    const id = `incremental-${kind}-${seed}-${k}`;
    if (kind === 'repeat') return { ...pick(), id };
    const { actor } = pick();
    const { target } = pick();
    const occurredAt = new Date(world.asOf.getTime() - Math.floor(random() * 30 * DAY_MS)).toISOString();
    return { id, network: 'x', type: TYPES[Math.floor(random() * TYPES.length)]!, actor, target: target!, topics: [topic], occurredAt };
  });
};

export interface IncrementalDrift {
  /** Accounts an incremental run rescored: both ends of every new interaction. */
  touched: number;
  /** Largest |incremental score − fresh full-pass score| over every account (1 for an account without a score). */
  worst: number;
  worstTouched: number;
  worstUntouched: number;
  /** The 99th percentile of that difference over every account. */
  p99: number;
}

/**
 * Adds `extra` to the world, rescores both ends of every new interaction against the frozen model
 * of the full pass before (everyone else keeps their score), and compares with a fresh full pass.
 */
export const incrementalDrift = (world: PlantedWorld, topic: string, before: TopicScores, extra: Interaction[]): IncrementalDrift => {
  const aggregates = aggregateInMemory([...world.interactions, ...extra]).get(topic)!;
  const input = topicAggregatesOf(aggregates.edges, aggregates.posts);
  const touched = [
    ...new Set(extra.flatMap((interaction) => [`${interaction.network}:${interaction.actor.id}`, `${interaction.network}:${interaction.target!.id}`])),
  ];
  const rescored = rescoreAuthors(before.model, aggregatesTouching(input, touched), touched, world.asOf);
  const incremental = new Map(before.ranked.map((entry) => [entry.account, entry.score]));
  for (const account of rescored.unscored) incremental.delete(account);
  for (const entry of rescored.scores) incremental.set(entry.account, entry.score);
  const fresh = new Map(scoreTopic(input, world.asOf).ranked.map((entry) => [entry.account, entry.score]));

  const touchedSet = new Set(touched);
  const differences: number[] = [];
  const drift: IncrementalDrift = { touched: touched.length, worst: 0, worstTouched: 0, worstUntouched: 0, p99: 0 };
  for (const account of new Set([...incremental.keys(), ...fresh.keys()])) {
    const difference = Math.abs((incremental.get(account) ?? 1) - (fresh.get(account) ?? 1));
    differences.push(difference);
    drift.worst = Math.max(drift.worst, difference);
    if (touchedSet.has(account)) drift.worstTouched = Math.max(drift.worstTouched, difference);
    else drift.worstUntouched = Math.max(drift.worstUntouched, difference);
  }
  differences.sort((a, b) => a - b);
  drift.p99 = differences[Math.floor(differences.length * 0.99)] ?? 0;
  return drift;
};
