import { LeaderboardQuerySchema, TopicPathSchema, type Leaderboard, type LeaderboardEntry } from '../lib/app/api/schemas';
import { httpHandler } from '../lib/adapters/http/handler';
import { json, pathParameters, queryParameters } from '../lib/adapters/http/request';
import { leaderboardOf, readBoardPage } from '../lib/app/queries/read-board';
import { OVERALL_TOPIC } from '../lib/adapters/dynamodb/keys';
import { stores, settings, type LookupDependencies } from '../lib/wiring/dependencies';
import { secrets } from '../lib/wiring/secrets';

/** Serves the overall leaderboard and every topic's. */
export const createHandler = (dependencies: LookupDependencies) =>
  httpHandler(
    async (event) => {
      const topic = event.pathParameters?.topic === undefined ? OVERALL_TOPIC : pathParameters(event, TopicPathSchema).topic;
      const { limit, cursor, network } = queryParameters(event, LeaderboardQuerySchema);
      const reader = dependencies.stores().boards;
      const page = await readBoardPage<LeaderboardEntry>(reader, await leaderboardOf(reader, topic, network), limit, cursor);
      const body: Leaderboard = {
        items: page.items.map(({ rank, network, id, handle, score }) => ({ rank, network, id, handle, score })),
        nextCursor: page.nextCursor,
        computedAt: page.computedAt,
      };
      return json(200, body);
    },
    { cacheable: true, lookup: dependencies },
  );

export const handler = createHandler({ stores, secrets, settings });
