/**
 * aggregateInMemory (lib/dev/evaluation/in-memory-aggregates.ts) on small hand-made logs, each
 * with its whole expected output written out: which copy of an id counts, what retractions and
 * content deletions take out, the topics an interaction inherits from its parent content, UTC days,
 * posts, engagement counts, responses per content, self-interactions and the overall topic `*`.
 * Small and fast on purpose: the mutation run uses it against that file.
 */
import { describe, expect, it } from 'vitest';
import type { Retraction } from '../../../lib/domain/interactions/retraction';
import type { EngagementType, Interaction } from '../../../lib/domain/interactions/schema';
import type { ContentAggregate, EngagementAggregate, PostAggregate } from '../../../lib/domain/scoring/engagement';
import { aggregateInMemory, type TopicAggregateRows } from '../../../lib/dev/evaluation/in-memory-aggregates';
import { OVERALL_TOPIC } from '../../../lib/adapters/dynamodb/keys';

type Extra = Partial<Pick<Interaction, 'network' | 'contentId' | 'parentContentId' | 'topics'>>;

/** An instant of November 2026, in UTC. */
const t = (day: number, hour: number): string => `2026-11-${day}T${String(hour).padStart(2, '0')}:00:00Z`;

const post = (id: string, author: string, occurredAt: string, extra: Extra = {}): Interaction => ({
  id,
  network: 'x',
  type: 'post',
  actor: { id: author },
  occurredAt,
  ...extra,
});
const engage = (type: EngagementType, id: string, actor: string, target: string, occurredAt: string, extra: Extra = {}): Interaction => ({
  id,
  network: 'x',
  type,
  actor: { id: actor },
  target: { id: target },
  occurredAt,
  ...extra,
});
const retract = (id: string, retractedAt: string, network = 'x'): Retraction => ({ kind: 'interaction', network, id, retractedAt });
const deleteContent = (contentId: string, retractedAt: string, network = 'x'): Retraction => ({ kind: 'content', network, contentId, retractedAt });

/** Expected rows; an account without a network is on `x`. */
const acct = (id: string): string => (id.includes(':') ? id : `x:${id}`);
const edge = (author: string, engager: string, day: number, counts: EngagementAggregate['counts']): EngagementAggregate => ({
  author: acct(author),
  engager: acct(engager),
  day: `2026-11-${day}`,
  counts,
});
const posts = (author: string, day: number, count: number): PostAggregate => ({ author: acct(author), day: `2026-11-${day}`, posts: count });
const responses = (author: string, contentId: string, day: number, count: number): ContentAggregate => ({
  author: acct(author),
  contentId,
  day: `2026-11-${day}`,
  responses: count,
});

type Row = EngagementAggregate | PostAggregate | ContentAggregate;
const sorted = <T extends Row>(rows: readonly T[]): T[] => {
  const key = (row: Row) => JSON.stringify([row.author, 'engager' in row ? row.engager : '', 'contentId' in row ? row.contentId : '', row.day]);
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
};
const topic = ({ edges = [], posts = [], content = [] }: Partial<TopicAggregateRows>): TopicAggregateRows => ({
  edges: sorted(edges),
  posts: sorted(posts),
  content: sorted(content),
});
/** The whole output as a plain object, topics and rows in a fixed order. */
const aggregated = (interactions: Interaction[], retractions: Retraction[] = []): Record<string, TopicAggregateRows> =>
  Object.fromEntries([...aggregateInMemory(interactions, retractions)].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, rows]) => [name, topic(rows)]));

describe('aggregateInMemory', () => {
  it('returns no topic at all for no interactions', () => {
    expect(aggregateInMemory([]).size).toBe(0);
  });

  it('counts copies of an id once: the earliest by time, on equal time the first to arrive; the same id on another network is another interaction', () => {
    const result = aggregated([
      engage('like', 'l1', 'a', 'b', t(21, 10)),
      engage('like', 'l1', 'a', 'b', t(20, 10)),
      engage('reply', 'r1', 'c', 'b', t(20, 12), { topics: ['cats'] }),
      engage('reply', 'r1', 'c', 'b', t(20, 12), { topics: ['dogs'] }),
      engage('like', 'l1', 'a', 'b', t(22, 10), { network: 'y' }),
    ]);
    expect(result).toEqual({
      [OVERALL_TOPIC]: topic({ edges: [edge('b', 'a', 20, { like: 1 }), edge('b', 'c', 20, { reply: 1 }), edge('y:b', 'y:a', 22, { like: 1 })] }),
      cats: topic({ edges: [edge('b', 'c', 20, { reply: 1 })] }),
    });
  });

  it('takes out every copy of a retracted id at or before the retraction, and counts a copy after it again', () => {
    const result = aggregated(
      [
        engage('like', 'l1', 'a', 'b', t(20, 10)),
        engage('like', 'l1', 'a', 'b', t(20, 11)),
        engage('like', 'l1', 'a', 'b', t(21, 9)),
        engage('like', 'l2', 'c', 'b', t(20, 10)),
        engage('like', 'l3', 'd', 'b', t(20, 10)),
      ],
      // 12:00+01:00 is 11:00Z, the time of l1's second copy.
      [retract('l1', '2026-11-20T12:00:00+01:00'), retract('l2', t(20, 10)), retract('l3', t(21, 0), 'y')],
    );
    expect(result).toEqual({
      [OVERALL_TOPIC]: topic({ edges: [edge('b', 'a', 21, { like: 1 }), edge('b', 'd', 20, { like: 1 })] }),
    });
  });

  it('retracts up to the latest of several retractions of an id, whatever their order', () => {
    const result = aggregated(
      [engage('like', 'l1', 'a', 'b', t(20, 10)), engage('like', 'l1', 'a', 'b', t(20, 14)), engage('like', 'l1', 'a', 'b', t(21, 10))],
      [retract('l1', t(20, 16)), retract('l1', t(20, 12))],
    );
    expect(result).toEqual({ [OVERALL_TOPIC]: topic({ edges: [edge('b', 'a', 21, { like: 1 })] }) });
  });

  it('takes out every interaction carrying deleted content, before or after the deletion, on its network only', () => {
    const result = aggregated(
      [
        post('p1', 'a', t(20, 10), { contentId: 'c1', topics: ['cats'] }),
        engage('mention', 'm1', 'a', 'd', t(21, 10), { contentId: 'c1' }),
        engage('reply', 'r2', 'b', 'a', t(20, 13), { contentId: 'c2', parentContentId: 'c1' }),
        post('p1', 'a', t(20, 10), { network: 'y', contentId: 'c1' }),
      ],
      [deleteContent('c1', t(20, 12))],
    );
    // The reply has content of its own: it still counts, and still takes the deleted post's topics.
    expect(result).toEqual({
      [OVERALL_TOPIC]: topic({ edges: [edge('a', 'b', 20, { reply: 1 })], posts: [posts('y:a', 20, 1)], content: [responses('a', 'c1', 20, 1)] }),
      cats: topic({ edges: [edge('a', 'b', 20, { reply: 1 })], content: [responses('a', 'c1', 20, 1)] }),
    });
  });

  it('gives an interaction without topics those of the earliest interaction (by time, then arrival) that carried its parent content with topics', () => {
    const result = aggregated([
      post('p1', 'a', t(20, 12), { contentId: 'c1', topics: ['late'] }),
      engage('mention', 'm0', 'a', 'e', t(20, 9), { contentId: 'c1' }),
      engage('mention', 'm1', 'a', 'd', t(20, 10), { contentId: 'c1', topics: ['early'] }),
      engage('mention', 'm2', 'a', 'f', t(20, 10), { contentId: 'c1', topics: ['tie'] }),
      engage('reply', 'r1', 'b', 'a', t(20, 13), { contentId: 'c2', parentContentId: 'c1' }),
    ]);
    expect(result).toEqual({
      [OVERALL_TOPIC]: topic({
        edges: [edge('e', 'a', 20, { mention: 1 }), edge('d', 'a', 20, { mention: 1 }), edge('f', 'a', 20, { mention: 1 }), edge('a', 'b', 20, { reply: 1 })],
        posts: [posts('a', 20, 1)],
        content: [responses('a', 'c1', 20, 1)],
      }),
      early: topic({ edges: [edge('d', 'a', 20, { mention: 1 }), edge('a', 'b', 20, { reply: 1 })], content: [responses('a', 'c1', 20, 1)] }),
      late: topic({ posts: [posts('a', 20, 1)] }),
      tie: topic({ edges: [edge('f', 'a', 20, { mention: 1 })] }),
    });
  });

  it('keeps own topics over the parent’s, and counts only in * with no parent topics known (unknown content, or content of another network)', () => {
    const result = aggregated([
      post('p1', 'a', t(20, 10), { contentId: 'c1', topics: ['cats'] }),
      engage('reply', 'r2', 'c', 'a', t(20, 11), { contentId: 'c3', parentContentId: 'c1', topics: ['own'] }),
      engage('like', 'l1', 'b', 'a', t(20, 11), { parentContentId: 'c9' }),
      engage('like', 'l2', 'b', 'a', t(20, 11), { network: 'y', parentContentId: 'c1' }),
    ]);
    expect(result).toEqual({
      [OVERALL_TOPIC]: topic({
        edges: [edge('a', 'c', 20, { reply: 1 }), edge('a', 'b', 20, { like: 1 }), edge('y:a', 'y:b', 20, { like: 1 })],
        posts: [posts('a', 20, 1)],
        content: [responses('a', 'c1', 20, 1), responses('a', 'c9', 20, 1), responses('y:a', 'c1', 20, 1)],
      }),
      cats: topic({ posts: [posts('a', 20, 1)] }),
      own: topic({ edges: [edge('a', 'c', 20, { reply: 1 })], content: [responses('a', 'c1', 20, 1)] }),
    });
  });

  it('counts on the UTC day of the instant, whatever offset the timestamp is written with', () => {
    const result = aggregated([
      post('p1', 'a', '2026-11-20T23:30:00-05:00'),
      post('p2', 'a', '2026-11-21T01:00:00+02:00'),
      engage('like', 'l1', 'b', 'a', '2026-11-20T23:59:59.999Z'),
      engage('like', 'l2', 'b', 'a', '2026-11-21T00:00:00Z'),
    ]);
    expect(result).toEqual({
      [OVERALL_TOPIC]: topic({ edges: [edge('a', 'b', 20, { like: 1 }), edge('a', 'b', 21, { like: 1 })], posts: [posts('a', 20, 1), posts('a', 21, 1)] }),
    });
  });

  it('counts posts per author and day', () => {
    const result = aggregated([post('p1', 'a', t(20, 10)), post('p2', 'a', t(20, 11)), post('p3', 'a', t(21, 10)), post('p4', 'b', t(20, 10))]);
    expect(result).toEqual({ [OVERALL_TOPIC]: topic({ posts: [posts('a', 20, 2), posts('a', 21, 1), posts('b', 20, 1)] }) });
  });

  it('sums engagements per author (target), engager (actor) and day, with counts by type', () => {
    const result = aggregated([
      engage('like', 'l1', 'b', 'a', t(20, 10)),
      engage('like', 'l2', 'b', 'a', t(20, 11)),
      engage('follow', 'f1', 'b', 'a', t(20, 12)),
      engage('like', 'l3', 'b', 'a', t(21, 10)),
      engage('share', 's1', 'c', 'a', t(20, 10)),
      engage('like', 'l4', 'a', 'b', t(20, 10)),
    ]);
    expect(result).toEqual({
      [OVERALL_TOPIC]: topic({
        edges: [edge('a', 'b', 20, { like: 2, follow: 1 }), edge('a', 'b', 21, { like: 1 }), edge('a', 'c', 20, { share: 1 }), edge('b', 'a', 20, { like: 1 })],
      }),
    });
  });

  it('counts self-interactions nowhere, not even their topics, but a post as a post; nor an engagement without a target', () => {
    const noTarget: Interaction = { id: 'n1', network: 'x', type: 'like', actor: { id: 'b' }, occurredAt: t(20, 10), topics: ['dogs'] };
    const result = aggregated([
      post('p1', 'a', t(20, 10)),
      engage('like', 's1', 'a', 'a', t(20, 11)),
      engage('reply', 's2', 'a', 'a', t(20, 12), { parentContentId: 'c1', topics: ['cats'] }),
      noTarget,
    ]);
    expect(result).toEqual({ [OVERALL_TOPIC]: topic({ posts: [posts('a', 20, 1)] }) });
  });

  it('counts responses per content of the target and day, from engagements with a parent content only', () => {
    const result = aggregated([
      engage('reply', 'r1', 'b', 'a', t(20, 10), { parentContentId: 'c1' }),
      engage('quote', 'q1', 'c', 'a', t(20, 11), { parentContentId: 'c1' }),
      engage('like', 'l1', 'd', 'a', t(21, 10), { parentContentId: 'c1' }),
      engage('reply', 'r2', 'b', 'a', t(20, 12), { parentContentId: 'c2' }),
      engage('like', 'l2', 'b', 'a', t(20, 13)),
    ]);
    expect(result).toEqual({
      [OVERALL_TOPIC]: topic({
        edges: [edge('a', 'b', 20, { reply: 2, like: 1 }), edge('a', 'c', 20, { quote: 1 }), edge('a', 'd', 21, { like: 1 })],
        content: [responses('a', 'c1', 20, 2), responses('a', 'c1', 21, 1), responses('a', 'c2', 20, 1)],
      }),
    });
  });

  it('counts everything under * as well as under each of its topics; a topic with only posts still appears', () => {
    const result = aggregated([
      post('p1', 'a', t(20, 10), { contentId: 'c1', topics: ['cats', 'dogs'] }),
      engage('reply', 'r1', 'b', 'a', t(20, 11), { contentId: 'c2', parentContentId: 'c1', topics: ['dogs'] }),
    ]);
    const dogs = topic({ edges: [edge('a', 'b', 20, { reply: 1 })], posts: [posts('a', 20, 1)], content: [responses('a', 'c1', 20, 1)] });
    expect(result).toEqual({ [OVERALL_TOPIC]: dogs, cats: topic({ posts: [posts('a', 20, 1)] }), dogs });
  });
});
