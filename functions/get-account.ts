import { AccountPathSchema } from '../lib/app/api/schemas';
import { accountView, storedAccount } from '../lib/app/api/scored-account';
import { httpHandler } from '../lib/adapters/http/handler';
import { json, pathParameters } from '../lib/adapters/http/request';
import { stores, settings, type LookupDependencies } from '../lib/wiring/dependencies';
import { secrets } from '../lib/wiring/secrets';

export const createHandler = (dependencies: LookupDependencies) =>
  httpHandler(
    async (event) => {
      const { network, idOrHandle } = pathParameters(event, AccountPathSchema);
      const { accounts, boards } = dependencies.stores();
      return json(200, await accountView(boards, await storedAccount(accounts, network, idOrHandle)));
    },
    { cacheable: true, lookup: dependencies },
  );

export const handler = createHandler({ stores, secrets, settings });
