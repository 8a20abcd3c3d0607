import { PageQuerySchema, type TopicSummary } from '../lib/app/api/schemas';
import { httpHandler } from '../lib/adapters/http/handler';
import { json, queryParameters } from '../lib/adapters/http/request';
import { readBoardPage } from '../lib/app/queries/read-board';
import { boards } from '../lib/adapters/dynamodb/keys';
import { stores, settings, type LookupDependencies } from '../lib/wiring/dependencies';
import { secrets } from '../lib/wiring/secrets';

export const createHandler = (dependencies: LookupDependencies) =>
  httpHandler(
    async (event) => {
      const { limit, cursor } = queryParameters(event, PageQuerySchema);
      const page = await readBoardPage<TopicSummary>(dependencies.stores().boards, boards.topics, limit, cursor);
      return json(200, { items: page.items.map(({ topic, accounts }) => ({ topic, accounts })), nextCursor: page.nextCursor });
    },
    { cacheable: true, lookup: dependencies },
  );

export const handler = createHandler({ stores, secrets, settings });
