import { PageQuerySchema, type TopicSummary } from '../lib/api/schemas';
import { httpHandler } from '../lib/http/handler';
import { json, queryParameters } from '../lib/http/request';
import { readBoardPage } from '../lib/leaderboards/read-board';
import { stores } from '../lib/runtime/dependencies';
import { boards } from '../lib/store/keys';

export const handler = httpHandler(
  async (event) => {
    const { limit, cursor } = queryParameters(event, PageQuerySchema);
    const page = await readBoardPage<TopicSummary>(stores().boards, boards.topics, limit, cursor);
    return json(200, { items: page.items.map(({ topic, accounts }) => ({ topic, accounts })), nextCursor: page.nextCursor });
  },
  { cacheable: true },
);
