import { ForgetPathSchema, type Preferences } from '../lib/app/api/schemas';
import { httpHandler } from '../lib/adapters/http/handler';
import { problems } from '../lib/adapters/http/problem';
import { json, pathParameters } from '../lib/adapters/http/request';
import { stores, settings, type LookupDependencies } from '../lib/wiring/dependencies';
import { secrets } from '../lib/wiring/secrets';

export const createHandler = (dependencies: LookupDependencies) =>
  httpHandler(
    async (event) => {
      const { network, id } = pathParameters(event, ForgetPathSchema);
      const preference = await dependencies.stores().accounts.campaignPreference(network, id);
      if ('optedOut' in preference) throw problems.gone(`${network}:${id} opted out of Sway.`);
      const body: Preferences = preference;
      return json(200, body);
    },
    { lookup: dependencies },
  );

export const handler = createHandler({ stores, secrets, settings });
