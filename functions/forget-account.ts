import { ForgetPathSchema } from '../lib/app/api/schemas';
import { httpHandler } from '../lib/adapters/http/handler';
import { json, pathParameters } from '../lib/adapters/http/request';
import { stores, type Dependencies } from '../lib/wiring/dependencies';

/** Opt-out: lookups answer 410 at once; the next recompute removes every other trace. */
export const createHandler = ({ stores }: Pick<Dependencies, 'stores'>) =>
  httpHandler(async (event) => {
    const { network, id } = pathParameters(event, ForgetPathSchema);
    await stores().consent.optOut(network, id, new Date().toISOString());
    return json(202, { network, id, accepted: true });
  });

export const handler = createHandler({ stores });
