import { ProfilePathSchema, ProfileRequestSchema } from '../lib/app/api/schemas';
import { accountKey } from '../lib/domain/interactions/schema';
import { httpHandler } from '../lib/adapters/http/handler';
import { problems } from '../lib/adapters/http/problem';
import { json, optionalJsonBody, pathParameters } from '../lib/adapters/http/request';
import { profileView } from '../lib/app/queries/profile-view';
import { stores, type Dependencies } from '../lib/wiring/dependencies';

/** Creates or replaces a profile (PUT is idempotent); an account that opted out cannot be linked. */
export const createHandler = ({ stores }: Pick<Dependencies, 'stores'>) =>
  httpHandler(async (event) => {
    const { profileId } = pathParameters(event, ProfilePathSchema);
    const request = optionalJsonBody(event, ProfileRequestSchema);
    const optedOut = await stores().consent.optedOutAmong(request.accounts.map(({ network, id }) => accountKey(network, id)));
    if (optedOut.size > 0) {
      throw problems.unprocessable(
        'Some accounts opted out of Sway and cannot be linked.',
        [...optedOut].map((account) => ({ account, detail: 'opted out' })),
      );
    }
    await stores().profiles.putProfile({ profileId, name: request.name ?? null, accounts: request.accounts, updatedAt: new Date().toISOString() });
    return json(200, await profileView(stores(), profileId));
  });

export const handler = createHandler({ stores });
