import { ForgetPathSchema, PreferencesSchema, type Preferences } from '../lib/app/api/schemas';
import { httpHandler } from '../lib/adapters/http/handler';
import { problems } from '../lib/adapters/http/problem';
import { json, optionalJsonBody, pathParameters } from '../lib/adapters/http/request';
import { stores, type Dependencies } from '../lib/wiring/dependencies';

/** Sets whether campaign search may list the account; an account not seen yet keeps it for when it is. */
export const createHandler = ({ stores }: Pick<Dependencies, 'stores'>) =>
  httpHandler(async (event) => {
    const { network, id } = pathParameters(event, ForgetPathSchema);
    const { campaigns } = optionalJsonBody(event, PreferencesSchema);
    if (!(await stores().accounts.setCampaignPreference(network, id, campaigns))) throw problems.gone(`${network}:${id} opted out of Sway.`);
    const body: Preferences = { campaigns };
    return json(200, body);
  });

export const handler = createHandler({ stores });
