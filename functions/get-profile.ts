import { ProfilePathSchema } from '../lib/app/api/schemas';
import { httpHandler } from '../lib/adapters/http/handler';
import { json, pathParameters } from '../lib/adapters/http/request';
import { profileView } from '../lib/app/queries/profile-view';
import { stores } from '../lib/wiring/dependencies';

export const handler = httpHandler(
  async (event) => {
    const { profileId } = pathParameters(event, ProfilePathSchema);
    return json(200, await profileView(stores(), profileId));
  },
  { cacheable: true, lookup: true },
);
