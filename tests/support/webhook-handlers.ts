/**
 * The six webhook functions, loaded as Lambda loads them, against fresh DynamoDB Local tables and
 * the local queue: for tests that drive the handlers with API Gateway events.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { QueuedInteractionsSchema, type QueuedInteractions } from '../../lib/domain/interactions/queued';
import { LocalQueue } from '../../lib/dev/local-queue';
import { queues } from '../../lib/wiring/workers';
import { isolatedTables } from './isolated-tables';
import { testSecretEnvironment, WEBHOOK_NETWORKS, type WebhookNetwork } from './webhook-deliveries';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const context = { functionName: 'webhook-test', awsRequestId: 'test', getRemainingTimeInMillis: () => 3000 } as unknown as Context;

export const loadWebhookHandlers = async () => {
  const tables = await isolatedTables();
  Object.assign(process.env, {
    SWAY_DYNAMODB_ENDPOINT: tables.endpoint,
    SWAY_TABLE_NAME: tables.mainTable,
    AWS_REGION: 'local',
    ...testSecretEnvironment(),
  });
  const queue = new LocalQueue(tables.db, tables.queueTable);
  const { useMessageQueue } = await import('../../lib/wiring/dependencies');
  useMessageQueue(queue);
  const handlers = new Map<WebhookNetwork, Handler>();
  for (const network of WEBHOOK_NETWORKS) {
    const module = (await import(`../../functions/webhook-${network}.ts`)) as { handler: Handler };
    handlers.set(network, module.handler);
  }
  return {
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
