/**
 * Everything a service holds about a replay, read the way its users and its recompute read it:
 * the applied interactions and counts, every aggregate of every topic, every leaderboard page
 * (overall, per topic, per network), the topic list, every account and the explanations of each
 * topic's leaders. Run ids and timestamps are left out, so two services can be compared.
 */
import type { InProcessSway } from './in-process-sway';
import type { Replay } from './replay';

const PAGE = 100;
const EXPLAINED_PER_TOPIC = 10;

const byJson = <T>(items: T[]): T[] => items.map((item) => JSON.stringify(item)).sort().map((text) => JSON.parse(text) as T);

const withoutTimestamps = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutTimestamps);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !['computedAt', 'startedAt', 'finishedAt', 'runId', 'lastRun'].includes(key))
        .map(([key, child]) => [key, withoutTimestamps(child)]),
    );
  }
  return value;
};

const withoutZeroCounts = <T extends { counts: Record<string, number | undefined> }>(edge: T): T => ({
  ...edge,
  counts: Object.fromEntries(Object.entries(edge.counts).filter(([, count]) => count !== 0)),
});

export const observedState = async (sway: InProcessSway, world: Replay) => {
  const get = async (url: string): Promise<unknown> => {
    const answer = await sway.request({ method: 'GET', url });
    return answer.status === 200 ? withoutTimestamps(JSON.parse(answer.body)) : answer.status;
  };
  const allPages = async (path: string, query = ''): Promise<unknown[]> => {
    const items: unknown[] = [];
    let cursor: string | null = null;
    do {
      const answer = await sway.request({ method: 'GET', url: `${path}?limit=${PAGE}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}` });
      if (answer.status !== 200) return [answer.status];
      const page = JSON.parse(answer.body) as { items: unknown[]; nextCursor: string | null };
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  };
  const boardsOf = async (path: string) => ({
    all: await allPages(path),
    ...Object.fromEntries(await Promise.all(['x', 'mastodon'].map(async (network) => [network, await allPages(path, `&network=${network}`)]))),
  });

  const stats = withoutTimestamps(JSON.parse((await sway.admin('GET', '/v1/admin/stats')).body));
  const applied = [...(await sway.store.appliedInteractions(world.interactions.map(({ network, id }) => ({ network, id }))))].sort();
  const topics = await sway.store.registeredTopics();
  const aggregates: Record<string, unknown> = {};
  for (const topic of ['*', ...topics]) {
    aggregates[topic] = {
      // A retraction after its interaction leaves a zero count where one before it left none: the same engagement.
      engagements: byJson((await sway.store.engagementAggregates(topic)).edges.map(withoutZeroCounts)),
      posts: byJson((await sway.store.postAggregates(topic)).posts),
      content: byJson(await sway.store.contentAggregates(topic)),
    };
  }
  const topicList = await allPages('/v1/topics');
  const leaderboards: Record<string, unknown> = { '*': await boardsOf('/v1/leaderboard') };
  const explanations: Record<string, unknown> = {};
  for (const topic of topics) {
    const board = await boardsOf(`/v1/topics/${topic}/leaderboard`);
    leaderboards[topic] = board;
    for (const leader of (board.all as { network: string; id: string }[]).slice(0, EXPLAINED_PER_TOPIC)) {
      explanations[`${topic}/${leader.network}:${leader.id}`] = await get(`/v1/accounts/${leader.network}/${leader.id}/explain?topic=${topic}`);
    }
  }
  const accounts = Object.fromEntries(
    await Promise.all(world.accounts.map(async ({ network, id }) => [`${network}:${id}`, await get(`/v1/accounts/${network}/${id}`)])),
  );
  return { stats, applied, topics, aggregates, topicList, leaderboards, explanations, accounts };
};
