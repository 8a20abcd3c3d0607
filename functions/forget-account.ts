import { ForgetPathSchema } from '../lib/api/schemas';
import { httpHandler } from '../lib/http/handler';
import { json, pathParameters } from '../lib/http/request';
import { stores } from '../lib/runtime/dependencies';

/** Opt-out: lookups answer 410 at once; the next recompute removes every other trace. */
export const handler = httpHandler(async (event) => {
  const { network, id } = pathParameters(event, ForgetPathSchema);
  await stores().consent.optOut(network, id, new Date().toISOString());
  return json(202, { network, id, accepted: true });
});
