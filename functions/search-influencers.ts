import { InfluencerSearchQuerySchema } from '../lib/api/schemas';
import { rankCountsOf } from '../lib/api/scored-account';
import { httpHandler } from '../lib/http/handler';
import { problems } from '../lib/http/problem';
import { json, queryParameters } from '../lib/http/request';
import { stores } from '../lib/runtime/dependencies';
import { SearchCursorError, searchInfluencers } from '../lib/search/influencer-search';

export const handler = httpHandler(
  async (event) => {
    const query = queryParameters(event, InfluencerSearchQuerySchema);
    const { accounts, boards } = stores();
    try {
      return json(200, await searchInfluencers(query, { accounts, boards, rankCounts: (topics) => rankCountsOf(boards, topics) }));
    } catch (error) {
      if (error instanceof SearchCursorError) throw problems.badRequest(error.message);
      throw error;
    }
  },
  { cacheable: true },
);
