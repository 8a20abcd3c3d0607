import { AccountPathSchema } from '../lib/api/schemas';
import { accountView, storedAccount } from '../lib/api/scored-account';
import { httpHandler } from '../lib/http/handler';
import { json, pathParameters } from '../lib/http/request';
import { stores } from '../lib/runtime/dependencies';

export const handler = httpHandler(
  async (event) => {
    const { network, idOrHandle } = pathParameters(event, AccountPathSchema);
    const { accounts, boards } = stores();
    return json(200, await accountView(boards, await storedAccount(accounts, network, idOrHandle)));
  },
  { cacheable: true },
);
