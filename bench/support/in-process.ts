/**
 * Sway's functions invoked in the bench process as Lambda invokes them, against the DynamoDB Local
 * the service uses, so capacity and duration come from the real code paths: a CapacityMeter on the
 * document client the handlers share, a recording queue in place of SQS, a log folder of their own in place of S3 (`logDir`), and each invocation timed and
 * rounded up to the millisecond as Lambda bills it.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { lambdaContext, loadHandler, type LambdaHandler } from '../../infra/local/lambda-context';
import { toRecord } from '../../infra/local/queue-consumer';
import { localDependencies } from '../../infra/local/local-dependencies';
import { secretEnvVars } from '../../lib/wiring/secret-variables';
import type { MessageQueue, QueueDepth, Redrive } from '../../lib/adapters/queue/message-queue';
import { tables } from '../../lib/adapters/dynamodb/tables';
import { queues, type QueueName } from '../../lib/wiring/workers';
import { awsPrices } from './aws-prices';
import { CapacityMeter, type CapacityTotals } from './consumed-capacity';
import { meteredRequests, type FunctionUsage } from './cost-model';
import { benchLambdaEnv, localDocumentClient } from './local-dynamodb';

/** SendMessageBatch takes at most 10 entries; SqsQueue sends that many per request. */
const SQS_SEND_BATCH_ENTRIES = 10;

/** Stands in for SQS: keeps what is sent and counts the SendMessageBatch requests SQS would bill. */
class RecordingQueue implements MessageQueue {
  private bodies: string[] = [];
  billedSendRequests = 0;

  async send(_queue: QueueName, bodies: string[]): Promise<void> {
    for (let start = 0; start < bodies.length; start += SQS_SEND_BATCH_ENTRIES) {
      const bytes = bodies.slice(start, start + SQS_SEND_BATCH_ENTRIES).reduce((sum, body) => sum + Buffer.byteLength(body), 0);
      this.billedSendRequests += meteredRequests(bytes, awsPrices.sqs.meteringIncrementBytes);
    }
    this.bodies.push(...bodies);
  }

  async depth(): Promise<QueueDepth> {
    return { pending: this.bodies.length, deadLetters: 0 };
  }

  queueNames(): QueueName[] {
    return [queues.interactions.name];
  }

  async redrive(queue: QueueName): Promise<Redrive> {
    return { queue, status: 'moved', messages: 0 };
  }

  /** Every message sent since the last call. */
  take(): string[] {
    const taken = this.bodies;
    this.bodies = [];
    return taken;
  }
}

/** The event Lambda's SQS event source hands a consumer for one batch of messages, each received once. */
export const sqsEvent = (queueName: string, bodies: string[]): SQSEvent => ({
  Records: bodies.map((body) => toRecord(queueName, { messageId: randomUUID(), body, receiveCount: 1, sentAt: Date.now() })),
});

type Invocations = Omit<FunctionUsage, 'memoryMb'>;

export interface InProcessFunctions {
  queue: RecordingQueue;
  /** The document client the handlers share, its capacity metered. */
  db: DynamoDBDocumentClient;
  /** The functions' secrets and settings by variable, read at each use (`SWAY_API_KEYS`, …). */
  variables: Record<string, string | undefined>;
  invoke<TEvent, TResult>(functionName: string, event: TEvent): Promise<TResult>;
  /** Invocations and capacity since the last call, then starts counting afresh. */
  takeUsage(): Promise<{ capacity: CapacityTotals; byFunction: Map<string, Invocations> }>;
}

/** Builds the handlers on the service's table, as `npm start` builds its own. */
export const startInProcessFunctions = async ({
  endpoint,
  genericSecret,
  logDir,
}: {
  endpoint: string;
  genericSecret: string;
  logDir: string;
}): Promise<InProcessFunctions> => {
  Object.assign(process.env, benchLambdaEnv);
  const uncounted = localDocumentClient(endpoint);
  const meter = new CapacityMeter(async (table, key) => (await uncounted.send(new GetCommand({ TableName: table, Key: key }))).Item);
  const handlerDb = localDocumentClient(endpoint);
  meter.attachTo(handlerDb);
  const queue = new RecordingQueue();
  const variables: Record<string, string | undefined> = { [secretEnvVars.generic]: genericSecret };
  const dependencies = localDependencies({ db: handlerDb, tableName: tables.main.localName, queue, logDir, variables });
  const handlers = new Map<string, LambdaHandler<unknown, unknown>>();
  let byFunction = new Map<string, Invocations>();

  return {
    queue,
    db: handlerDb,
    variables,
    invoke: async <TEvent, TResult>(functionName: string, event: TEvent): Promise<TResult> => {
      let handler = handlers.get(functionName);
      if (!handler) {
        handler = await loadHandler(functionName, dependencies);
        handlers.set(functionName, handler);
      }
      const started = performance.now();
      const result = (await handler(event, lambdaContext(functionName))) as TResult;
      const counted = byFunction.get(functionName) ?? { invocations: 0, billedMs: 0 };
      byFunction.set(functionName, { invocations: counted.invocations + 1, billedMs: counted.billedMs + Math.ceil(performance.now() - started) });
      return result;
    },
    takeUsage: async () => {
      const taken = { capacity: await meter.reset(), byFunction };
      byFunction = new Map();
      return taken;
    },
  };
};
