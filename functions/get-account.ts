import { AccountPathSchema } from '../lib/app/api/schemas';
import { accountView, storedAccount } from '../lib/app/api/scored-account';
import { httpHandler } from '../lib/adapters/http/handler';
import { json, pathParameters } from '../lib/adapters/http/request';
import { stores } from '../lib/wiring/dependencies';

export const handler = httpHandler(
  async (event) => {
    const { network, idOrHandle } = pathParameters(event, AccountPathSchema);
    const { accounts, boards } = stores();
    return json(200, await accountView(boards, await storedAccount(accounts, network, idOrHandle)));
  },
  { cacheable: true, lookup: true },
);
