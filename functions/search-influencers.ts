import { InfluencerSearchQuerySchema } from '../lib/app/api/schemas';
import { rankCountsOf } from '../lib/app/api/scored-account';
import { httpHandler } from '../lib/adapters/http/handler';
import { problems } from '../lib/adapters/http/problem';
import { json, queryParameters } from '../lib/adapters/http/request';
import { SearchCursorError, searchInfluencers } from '../lib/app/queries/influencer-search';
import { stores, settings, type LookupDependencies } from '../lib/wiring/dependencies';
import { secrets } from '../lib/wiring/secrets';

export const createHandler = (dependencies: LookupDependencies) =>
  httpHandler(
    async (event) => {
      const query = queryParameters(event, InfluencerSearchQuerySchema);
      const { accounts, boards } = dependencies.stores();
      try {
        return json(200, await searchInfluencers(query, { accounts, boards, rankCounts: (topics) => rankCountsOf(boards, topics) }));
      } catch (error) {
        if (error instanceof SearchCursorError) throw problems.badRequest(error.message);
        throw error;
      }
    },
    { cacheable: true, lookup: dependencies },
  );

export const handler = createHandler({ stores, secrets, settings });
