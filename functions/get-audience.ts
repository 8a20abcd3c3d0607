import { AccountPathSchema, AudienceQuerySchema, type Audience } from '../lib/app/api/schemas';
import { storedAccount } from '../lib/app/api/scored-account';
import { httpHandler } from '../lib/adapters/http/handler';
import { json, pathParameters, queryParameters } from '../lib/adapters/http/request';
import { audienceOverlap, decodeAudienceSketch } from '../lib/domain/search/audience';
import { OVERALL_TOPIC } from '../lib/adapters/dynamodb/keys';
import { stores, settings, type LookupDependencies } from '../lib/wiring/dependencies';
import { secrets } from '../lib/wiring/secrets';

/** Two accounts' audiences in a topic (or overall): each one's distinct engagers in the window, and how many they share. */
export const createHandler = (dependencies: LookupDependencies) =>
  httpHandler(
    async (event) => {
      const { network, idOrHandle } = pathParameters(event, AccountPathSchema);
      const query = queryParameters(event, AudienceQuerySchema);
      const at = query.with.indexOf(':');
      const { accounts } = dependencies.stores();
      const [account, other] = await Promise.all([
        storedAccount(accounts, network, idOrHandle),
        storedAccount(accounts, query.with.slice(0, at), query.with.slice(at + 1)),
      ]);
      const topic = query.topic ?? OVERALL_TOPIC;
      const audiences = await Promise.all(
        [account, other].map(async ({ network: accountNetwork, id }) => {
          const stored = (await accounts.explanation(accountNetwork, id, topic))?.audience;
          return stored ? decodeAudienceSketch(stored) : { engagers: 0, sketch: [] };
        }),
      );
      const body: Audience = audienceOverlap(audiences[0]!, audiences[1]!);
      return json(200, body);
    },
    { cacheable: true, lookup: dependencies },
  );

export const handler = createHandler({ stores, secrets, settings });
