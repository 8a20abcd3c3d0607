import { AccountPathSchema, ExplainQuerySchema, type Explanation } from '../lib/api/schemas';
import { httpHandler } from '../lib/http/handler';
import { problems } from '../lib/http/problem';
import { json, pathParameters, queryParameters } from '../lib/http/request';
import { FACTORS } from '../lib/scoring/model';
import { scoredAccount } from '../lib/api/scored-account';
import { swayStore } from '../lib/runtime/dependencies';
import { OVERALL_TOPIC } from '../lib/store/keys';

export const handler = httpHandler(
  async (event) => {
    const { network, idOrHandle } = pathParameters(event, AccountPathSchema);
    const { topic } = queryParameters(event, ExplainQuerySchema);
    const store = swayStore();
    const account = await scoredAccount(store, network, idOrHandle);
    const stored = await store.explanation(network, account.id, topic ?? OVERALL_TOPIC);
    if (!stored && topic) throw problems.notFound(`${network}:${account.id} has no score in ${topic}.`);
    const body: Explanation = stored
      ? { ...stored, handle: account.handle, topic: topic ?? null }
      : {
          // Seen, but nobody has responded to this account yet: the base point is all there is.
          network,
          id: account.id,
          handle: account.handle,
          topic: null,
          score: account.score,
          rank: null,
          factors: [{ name: 'base', ...FACTORS.base, value: 1, contribution: account.score }],
          topEngagers: [],
          topContent: [],
          computedAt: account.computedAt,
        };
    return json(200, body);
  },
  { cacheable: true },
);
