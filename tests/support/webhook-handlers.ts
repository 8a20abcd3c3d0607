/**
 * The six webhook functions, built as the local runtime builds them, against fresh DynamoDB Local
 * tables and the local queue: for tests that drive the handlers with API Gateway events.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { QueuedInteractionsSchema, type QueuedInteractions } from '../../lib/domain/interactions/queued';
import { loadHandler } from '../../infra/local/lambda-context';
import { localDependencies } from '../../infra/local/local-dependencies';
import { LocalQueue } from '../../lib/dev/local-queue';
import { queues } from '../../lib/wiring/workers';
import { isolatedTables } from './isolated-tables';
import { testSecretEnvironment, WEBHOOK_NETWORKS, type WebhookNetwork } from './webhook-deliveries';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const context = { functionName: 'webhook-test', awsRequestId: 'test', getRemainingTimeInMillis: () => 3000 } as unknown as Context;

export const loadWebhookHandlers = async () => {
  const tables = await isolatedTables();
  const queue = new LocalQueue(tables.queueDir);
  // No log folder: a webhook function only queues what it accepts.
  const variables: Record<string, string | undefined> = testSecretEnvironment();
  const dependencies = localDependencies({ db: tables.db, tableName: tables.mainTable, queue, logDir: '/nonexistent', variables });
  const handlers = new Map<WebhookNetwork, Handler>();
  for (const network of WEBHOOK_NETWORKS) handlers.set(network, await loadHandler(`webhook-${network}`, dependencies));
  return {
    /** The functions' secrets by variable (`SWAY_SECRET_X`, …), read at each request: change one to rotate or unset it. */
    variables,
    invoke: (network: WebhookNetwork, event: APIGatewayProxyEventV2) => handlers.get(network)!(event, context),
    /** Messages waiting in the interactions queue. */
    pending: async () => (await queue.depth(queues.interactions.name)).pending,
    /** Takes every queued message out of the queue and returns what they carry. */
    drain: async (): Promise<QueuedInteractions[]> => {
      const received = await queue.receive(queues.interactions.name, 1000, 60);
      await queue.deleteMessages(
        queues.interactions.name,
        received.map((message) => message.messageId),
      );
      return received.map((message) => QueuedInteractionsSchema.parse(JSON.parse(message.body)));
    },
  };
};
