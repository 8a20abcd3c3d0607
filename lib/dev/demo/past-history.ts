import { parseAccountKey, type Interaction } from '../../domain/interactions/schema';
import { aggregateInMemory } from '../evaluation/in-memory-aggregates';
import { topicAggregatesOf } from '../../domain/scoring/engagement';
import { scoreTopic } from '../../domain/scoring/topic-scores';

export interface HistoryPoint {
  network: string;
  id: string;
  topic: string;
  score: number;
}

/**
 * Each account's score at the end of a past day, in every topic: the scoring of the interactions
 * up to that day, as a full pass on that day would have given it. How the demo fills the history
 * charts honestly (a recompute writes only today's points). Aggregated in memory, by the log's
 * rules (tests/integration/in-memory-aggregation.test.ts holds the two together).
 */
export const pastHistoryPoints = (interactions: readonly Interaction[], day: string): HistoryPoint[] => {
  const endOfDay = `${day}T23:59:59.999Z`;
  const until = Date.parse(endOfDay);
  // By instant, not by the text: a timestamp may be written with any offset.
  const upToDay = interactions.filter((interaction) => Date.parse(interaction.occurredAt) <= until);
  const points: HistoryPoint[] = [];
  for (const [topic, { edges, posts }] of aggregateInMemory(upToDay)) {
    for (const { account, score } of scoreTopic(topicAggregatesOf(edges, posts), new Date(endOfDay)).ranked) {
      points.push({ ...parseAccountKey(account), topic, score });
    }
  }
  return points;
};
