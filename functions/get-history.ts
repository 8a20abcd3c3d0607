import { AccountPathSchema, HistoryQuerySchema } from '../lib/app/api/schemas';
import { storedAccount } from '../lib/app/api/scored-account';
import { httpHandler } from '../lib/adapters/http/handler';
import { json, pathParameters, queryParameters } from '../lib/adapters/http/request';
import { OVERALL_TOPIC } from '../lib/adapters/dynamodb/keys';
import { stores, settings, type LookupDependencies } from '../lib/wiring/dependencies';
import { secrets } from '../lib/wiring/secrets';

const DAY_MS = 86_400_000;

/** One point a day: the score the account had that day (a run stores a point when the score changes). */
export const createHandler = (dependencies: LookupDependencies) =>
  httpHandler(
    async (event) => {
      const { network, idOrHandle } = pathParameters(event, AccountPathSchema);
      const { topic, days } = queryParameters(event, HistoryQuerySchema);
      const { accounts } = dependencies.stores();
      const account = await storedAccount(accounts, network, idOrHandle);
      const now = Date.now();
      const toDay = new Date(now).toISOString().slice(0, 10);
      const fromDay = new Date(now - (days - 1) * DAY_MS).toISOString().slice(0, 10);
      return json(200, await accounts.history(network, account.id, topic ?? OVERALL_TOPIC, fromDay, toDay));
    },
    { cacheable: true, lookup: dependencies },
  );

export const handler = createHandler({ stores, secrets, settings });
