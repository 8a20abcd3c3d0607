import type { Retraction } from '../../domain/interactions/retraction';
import type { EngagementType, Interaction } from '../../domain/interactions/schema';
import { interactionRow, retractionRow, type LogRow } from '../../app/log/log-rows';
import { OVERALL_TOPIC } from '../../adapters/dynamodb/keys';
import type { ContentAggregate, EngagementAggregate, PostAggregate } from '../../domain/scoring/engagement';

/** A topic's aggregates as objects (`topicAggregatesOf` makes the columns scoring reads from edges and posts). */
export interface TopicAggregateRows {
  edges: EngagementAggregate[];
  posts: PostAggregate[];
  content: ContentAggregate[];
}

/** An interaction as logged, with its place in the order of arrival (the tie-break between copies logged at the same time). */
interface Arrival {
  row: LogRow;
  arrival: number;
}

const earlier = (a: Arrival, b: Arrival): boolean => a.row.at < b.row.at || (a.row.at === b.row.at && a.arrival < b.arrival);

/**
 * The topic windows the log's resolution (lib/app/aggregation/resolve.ts) and topic-window.ts make of
 * these interactions and retractions, built in memory: for evaluation, benchmarks and the demo.
 * `interactions` are in their order of arrival. The same rules, held to the DuckDB ones by
 * tests/integration/in-memory-aggregation.test.ts:
 * - copies of an id `(network, id)` count once: the earliest (by time, then arrival) of those
 *   after its latest retraction;
 * - a deleted piece of content takes out every interaction whose `contentId` it is;
 * - an interaction without topics of its own takes those of its parent content: the topics of the
 *   earliest interaction that carried that content with topics of its own;
 * - days are UTC days of the instant, whatever offset the timestamp was written with;
 * - self-interactions count nowhere, every interaction counts in the overall pseudo-topic `*`.
 */
export const aggregateInMemory = (interactions: Iterable<Interaction>, retractions: Iterable<Retraction> = []): Map<string, TopicAggregateRows> => {
  const copies = new Map<string, Arrival[]>();
  const contentTopics = new Map<string, Arrival>();
  let arrival = 0;
  for (const interaction of interactions) {
    const logged: Arrival = { row: interactionRow(interaction), arrival: arrival++ };
    const id = `${interaction.network}\u001f${interaction.id}`;
    const known = copies.get(id);
    if (known) known.push(logged);
    else copies.set(id, [logged]);
    if (logged.row.contentId !== null && logged.row.topics !== null) {
      const content = `${interaction.network}\u001f${logged.row.contentId}`;
      const teacher = contentTopics.get(content);
      if (!teacher || earlier(logged, teacher)) contentTopics.set(content, logged);
    }
  }
  const retractedUntil = new Map<string, number>();
  const deletedContent = new Set<string>();
  for (const retraction of retractions) {
    const row = retractionRow(retraction);
    if (row.kind === 'retract') {
      const id = `${row.network}\u001f${row.id}`;
      retractedUntil.set(id, Math.max(retractedUntil.get(id) ?? -Infinity, row.at));
    } else {
      deletedContent.add(`${row.network}\u001f${row.contentId}`);
    }
  }

  const edges = new Map<string, Map<string, EngagementAggregate>>();
  const posts = new Map<string, Map<string, PostAggregate>>();
  const content = new Map<string, Map<string, ContentAggregate>>();
  // One string instance per account and day, as a reader of the windows would hand them over.
  const interned = new Map<string, string>();
  const intern = (value: string): string => {
    const known = interned.get(value);
    if (known !== undefined) return known;
    interned.set(value, value);
    return value;
  };
  const entryOf = <T>(byTopic: Map<string, Map<string, T>>, topic: string, key: string, create: () => T): T => {
    let byKey = byTopic.get(topic);
    if (!byKey) {
      byKey = new Map();
      byTopic.set(topic, byKey);
    }
    let entry = byKey.get(key);
    if (!entry) {
      entry = create();
      byKey.set(key, entry);
    }
    return entry;
  };

  for (const [id, all] of copies) {
    const until = retractedUntil.get(id) ?? -Infinity;
    let counted: Arrival | undefined;
    for (const copy of all) {
      if (copy.row.at <= until) continue;
      if (copy.row.contentId !== null && deletedContent.has(`${copy.row.network}\u001f${copy.row.contentId}`)) continue;
      if (!counted || earlier(copy, counted)) counted = copy;
    }
    if (!counted) continue;
    const { row } = counted;
    const parent = row.parentContentId === null ? undefined : contentTopics.get(`${row.network}\u001f${row.parentContentId}`);
    const topics = row.topics ?? parent?.row.topics ?? [];
    const day = intern(new Date(row.at).toISOString().slice(0, 10));
    const actor = intern(row.actor!);
    for (const topic of [OVERALL_TOPIC, ...topics]) {
      if (row.type === 'post') {
        entryOf(posts, topic, `${actor}|${day}`, () => ({ author: actor, day, posts: 0 })).posts++;
        continue;
      }
      if (row.target === null || row.target === actor) continue;
      const target = intern(row.target);
      const edge = entryOf(edges, topic, `${target}|${actor}|${day}`, (): EngagementAggregate => ({ author: target, engager: actor, day, counts: {} }));
      const type = row.type as EngagementType;
      edge.counts[type] = (edge.counts[type] ?? 0) + 1;
      if (row.parentContentId !== null) {
        const contentId = row.parentContentId;
        entryOf(content, topic, `${target}|${contentId}|${day}`, () => ({ author: target, contentId, day, responses: 0 })).responses++;
      }
    }
  }
  const topics = new Set([...edges.keys(), ...posts.keys()]);
  const rowsOf = <T>(byTopic: Map<string, Map<string, T>>, topic: string): T[] => [...(byTopic.get(topic)?.values() ?? [])];
  return new Map([...topics].map((topic) => [topic, { edges: rowsOf(edges, topic), posts: rowsOf(posts, topic), content: rowsOf(content, topic) }]));
};
