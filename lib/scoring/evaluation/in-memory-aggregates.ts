import { accountKey, type EngagementType, type Interaction } from '../../interactions/schema';
import { OVERALL_TOPIC } from '../../store/keys';
import { topicsOf } from '../../topics/extract';
import type { EngagementAggregate, PostAggregate } from '../engagement';

export interface TopicAggregates {
  edges: EngagementAggregate[];
  posts: PostAggregate[];
}

/**
 * The aggregates the apply step keeps in DynamoDB, built in memory: for evaluation, benchmarks
 * and demo data. Same rules: one entry per (topic, author, engager, day), overall included,
 * self-interactions left out, duplicates by (network, id) counted once.
 */
export const aggregateInMemory = (interactions: Iterable<Interaction>): Map<string, TopicAggregates> => {
  const seen = new Set<string>();
  const edges = new Map<string, Map<string, EngagementAggregate>>();
  const posts = new Map<string, Map<string, PostAggregate>>();
  // One string instance per account and day, as a store's reader would hand them over.
  const interned = new Map<string, string>();
  const intern = (value: string): string => {
    const known = interned.get(value);
    if (known !== undefined) return known;
    interned.set(value, value);
    return value;
  };
  for (const interaction of interactions) {
    const id = accountKey(interaction.network, interaction.id);
    if (seen.has(id)) continue;
    seen.add(id);
    const day = intern(interaction.occurredAt.slice(0, 10));
    const actor = intern(accountKey(interaction.network, interaction.actor.id));
    for (const topic of [OVERALL_TOPIC, ...topicsOf(interaction)]) {
      if (interaction.type === 'post') {
        const byKey = posts.get(topic) ?? new Map<string, PostAggregate>();
        posts.set(topic, byKey);
        const key = `${actor}|${day}`;
        const entry = byKey.get(key) ?? { author: actor, day, posts: 0 };
        entry.posts++;
        byKey.set(key, entry);
        continue;
      }
      const target = intern(accountKey(interaction.network, interaction.target!.id));
      if (target === actor) continue;
      const byKey = edges.get(topic) ?? new Map<string, EngagementAggregate>();
      edges.set(topic, byKey);
      const key = `${target}|${actor}|${day}`;
      const entry = byKey.get(key) ?? { author: target, engager: actor, day, counts: {} };
      const type = interaction.type as EngagementType;
      entry.counts[type] = (entry.counts[type] ?? 0) + 1;
      byKey.set(key, entry);
    }
  }
  const topics = new Set([...edges.keys(), ...posts.keys()]);
  return new Map(
    [...topics].map((topic) => [topic, { edges: [...(edges.get(topic)?.values() ?? [])], posts: [...(posts.get(topic)?.values() ?? [])] }]),
  );
};
