import { AccountPathSchema, HistoryQuerySchema, type History } from '../lib/api/schemas';
import { httpHandler } from '../lib/http/handler';
import { json, pathParameters, queryParameters } from '../lib/http/request';
import { scoredAccount } from '../lib/api/scored-account';
import { swayStore } from '../lib/runtime/dependencies';
import { OVERALL_TOPIC } from '../lib/store/keys';

const DAY_MS = 86_400_000;

/** One point a day: the latest score of each day on which a recompute scored the account. */
export const handler = httpHandler(
  async (event) => {
    const { network, idOrHandle } = pathParameters(event, AccountPathSchema);
    const { topic, days } = queryParameters(event, HistoryQuerySchema);
    const store = swayStore();
    const account = await scoredAccount(store, network, idOrHandle);
    const fromDay = new Date(Date.now() - (days - 1) * DAY_MS).toISOString().slice(0, 10);
    const body: History = await store.history(network, account.id, topic ?? OVERALL_TOPIC, fromDay);
    return json(200, body);
  },
  { cacheable: true },
);
