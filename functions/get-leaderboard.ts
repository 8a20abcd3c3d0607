import { LeaderboardQuerySchema, TopicPathSchema, type Leaderboard, type LeaderboardEntry } from '../lib/app/api/schemas';
import { httpHandler } from '../lib/adapters/http/handler';
import { json, pathParameters, queryParameters } from '../lib/adapters/http/request';
import { leaderboardOf, readBoardPage } from '../lib/app/queries/read-board';
import { stores } from '../lib/wiring/dependencies';
import { OVERALL_TOPIC } from '../lib/adapters/dynamodb/keys';

/** Serves the overall leaderboard and every topic's. */
export const handler = httpHandler(
  async (event) => {
    const topic = event.pathParameters?.topic === undefined ? OVERALL_TOPIC : pathParameters(event, TopicPathSchema).topic;
    const { limit, cursor, network } = queryParameters(event, LeaderboardQuerySchema);
    const reader = stores().boards;
    const page = await readBoardPage<LeaderboardEntry>(reader, await leaderboardOf(reader, topic, network), limit, cursor);
    const body: Leaderboard = {
      items: page.items.map(({ rank, network, id, handle, score }) => ({ rank, network, id, handle, score })),
      nextCursor: page.nextCursor,
      computedAt: page.computedAt,
    };
    return json(200, body);
  },
  { cacheable: true, lookup: true },
);
