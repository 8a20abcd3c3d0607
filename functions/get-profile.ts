import { ProfilePathSchema } from '../lib/app/api/schemas';
import { httpHandler } from '../lib/adapters/http/handler';
import { json, pathParameters } from '../lib/adapters/http/request';
import { profileView } from '../lib/app/queries/profile-view';
import { stores, settings, type LookupDependencies } from '../lib/wiring/dependencies';
import { secrets } from '../lib/wiring/secrets';

export const createHandler = (dependencies: LookupDependencies) =>
  httpHandler(
    async (event) => {
      const { profileId } = pathParameters(event, ProfilePathSchema);
      return json(200, await profileView(dependencies.stores(), profileId));
    },
    { cacheable: true, lookup: dependencies },
  );

export const handler = createHandler({ stores, secrets, settings });
