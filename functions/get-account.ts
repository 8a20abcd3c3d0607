import { AccountPathSchema, type Account } from '../lib/api/schemas';
import { httpHandler } from '../lib/http/handler';
import { json, pathParameters } from '../lib/http/request';
import { scoredAccount } from '../lib/api/scored-account';
import { swayStore } from '../lib/runtime/dependencies';

export const handler = httpHandler(
  async (event) => {
    const { network, idOrHandle } = pathParameters(event, AccountPathSchema);
    const account = await scoredAccount(swayStore(), network, idOrHandle);
    const body: Account = account;
    return json(200, body);
  },
  { cacheable: true },
);
