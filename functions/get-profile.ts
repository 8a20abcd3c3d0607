import { ProfilePathSchema } from '../lib/api/schemas';
import { httpHandler } from '../lib/http/handler';
import { json, pathParameters } from '../lib/http/request';
import { profileView } from '../lib/profiles/profile-view';
import { stores } from '../lib/runtime/dependencies';

export const handler = httpHandler(
  async (event) => {
    const { profileId } = pathParameters(event, ProfilePathSchema);
    return json(200, await profileView(stores(), profileId));
  },
  { cacheable: true },
);
