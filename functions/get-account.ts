import { AccountPathSchema, type Account } from '../lib/api/schemas';
import { httpHandler } from '../lib/http/handler';
import { problems } from '../lib/http/problem';
import { json, pathParameters } from '../lib/http/request';
import { swayStore } from '../lib/runtime/dependencies';

export const handler = httpHandler(
  async (event) => {
    const { network, idOrHandle } = pathParameters(event, AccountPathSchema);
    const account = await swayStore().accountScore(network, idOrHandle);
    if (!account) throw problems.notFound(`No account ${network}:${idOrHandle} has been scored.`);
    const body: Account = account;
    return json(200, body);
  },
  { cacheable: true },
);
