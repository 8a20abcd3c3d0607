import { AccountPathSchema, ExplainQuerySchema, type Explanation } from '../lib/app/api/schemas';
import { rankCountsOf, storedAccount } from '../lib/app/api/scored-account';
import { httpHandler } from '../lib/adapters/http/handler';
import { problems } from '../lib/adapters/http/problem';
import { json, pathParameters, queryParameters } from '../lib/adapters/http/request';
import { describedFactor, describedFlags } from '../lib/domain/scoring/model';
import { rankOf } from '../lib/adapters/dynamodb/boards-store';
import { OVERALL_TOPIC } from '../lib/adapters/dynamodb/keys';
import { stores, settings, type LookupDependencies } from '../lib/wiring/dependencies';
import { secrets } from '../lib/wiring/secrets';

export const createHandler = (dependencies: LookupDependencies) =>
  httpHandler(
    async (event) => {
      const { network, idOrHandle } = pathParameters(event, AccountPathSchema);
      const { topic } = queryParameters(event, ExplainQuerySchema);
      const { accounts, boards } = dependencies.stores();
      const account = await storedAccount(accounts, network, idOrHandle);
      const topicKey = topic ?? OVERALL_TOPIC;
      const stored = await accounts.explanation(network, account.id, topicKey);
      if (!stored && topic) throw problems.notFound(`${network}:${account.id} has no score in ${topic}.`);
      const rank = stored ? rankOf((await rankCountsOf(boards, [topicKey], stored.computedAt)).get(topicKey) ?? [], stored.score) : null;
      const body: Explanation = stored
        ? {
            network: stored.network,
            id: stored.id,
            handle: account.handle,
            topic: topic ?? null,
            score: stored.score,
            rank,
            factors: stored.factors.map(describedFactor),
            topEngagers: stored.topEngagers,
            topContent: stored.topContent,
            flags: describedFlags(stored.flags ?? 0),
            computedAt: stored.computedAt,
          }
        : {
            // Seen, but nobody has responded to this account yet: the base point is all there is.
            network,
            id: account.id,
            handle: account.handle,
            topic: null,
            score: account.score,
            rank: null,
            factors: [describedFactor({ name: 'base', value: 1, contribution: account.score })],
            topEngagers: [],
            topContent: [],
            flags: [],
            computedAt: account.computedAt,
          };
      return json(200, body);
    },
    { cacheable: true, lookup: dependencies },
  );

export const handler = createHandler({ stores, secrets, settings });
