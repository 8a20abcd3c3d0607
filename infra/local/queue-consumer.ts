import { createHash } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { LocalQueue, ReceivedMessage } from '../../lib/dev/local-queue';
import type { Dependencies } from '../../lib/wiring/dependencies';
import type { QueueDefinition } from '../../lib/wiring/workers';
import { lambdaContext, loadHandler, type LambdaHandler } from './lambda-context';

type QueueLambda = LambdaHandler<SQSEvent, SQSBatchResponse | undefined>;

export interface QueueConsumer {
  stop(): Promise<void>;
}

const IDLE_POLL_MS = 500;

/**
 * What Lambda's SQS event source mapping does, for the local queue: receive in batches, invoke the
 * consumer with an SQS event, delete what succeeded, and hand failures back for retry or the
 * dead-letter store (partial batch responses).
 */
export const startQueueConsumer = async (queue: LocalQueue, definition: QueueDefinition, dependencies: Dependencies): Promise<QueueConsumer> => {
  const handler = await loadHandler<SQSEvent, SQSBatchResponse | undefined>(definition.consumer, dependencies);
  await queue.releaseInFlight(definition.name);
  let running = true;
  let wake: (() => void) | undefined;
  queue.onSend((name) => {
    if (name === definition.name) wake?.();
  });

  /** Resolves after the poll interval, or at once when a message is sent. */
  const idle = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (wake === done) wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, IDLE_POLL_MS);
      wake = done;
    });

  // Like Lambda's pollers: up to `maxConcurrency` batches in flight, and a new batch received as
  // soon as one of them is done, rather than waiting for the slowest of a round.
  const inFlight = new Set<Promise<void>>();
  const loop = (async () => {
    while (running) {
      if (inFlight.size >= definition.maxConcurrency) {
        await Promise.race(inFlight);
        continue;
      }
      let messages: ReceivedMessage[] = [];
      try {
        messages = await queue.receive(definition.name, definition.batchSize, definition.visibilityTimeoutSeconds);
      } catch (error) {
        if (running) console.error(`local queue ${definition.name}: receive failed`, (error as Error).message);
      }
      if (messages.length === 0) {
        await Promise.race([idle(), ...inFlight]);
        continue;
      }
      const delivery: Promise<void> = deliver(queue, definition, handler, messages).finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
    }
    await Promise.all(inFlight);
  })();

  return {
    stop: async () => {
      running = false;
      wake?.();
      await loop;
    },
  };
};

const deliver = async (queue: LocalQueue, definition: QueueDefinition, handler: QueueLambda, batch: ReceivedMessage[]): Promise<void> => {
  let failedIds: Set<string>;
  try {
    const response = await handler({ Records: batch.map((message) => toRecord(definition.name, message)) }, lambdaContext(definition.consumer));
    failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
  } catch (error) {
    console.error(`local queue ${definition.name}: ${definition.consumer} failed`, (error as Error).message);
    failedIds = new Set(batch.map((message) => message.messageId));
  }
  const queueName = definition.name;
  try {
    await queue.deleteMessages(
      queueName,
      batch.filter((message) => !failedIds.has(message.messageId)).map((message) => message.messageId),
    );
    for (const message of batch.filter((candidate) => failedIds.has(candidate.messageId))) {
      await queue.fail(queueName, message, definition.maxReceiveCount);
    }
  } catch (error) {
    // The messages stay hidden until their visibility timeout ends, then come back: at-least-once.
    console.error(`local queue ${definition.name}: acknowledging failed`, (error as Error).message);
  }
};

/** A received message as Lambda's SQS event source hands it to a consumer. */
export const toRecord = (queueName: string, message: ReceivedMessage): SQSRecord => ({
  messageId: message.messageId,
  receiptHandle: message.messageId,
  body: message.body,
  attributes: {
    ApproximateReceiveCount: String(message.receiveCount),
    SentTimestamp: String(message.sentAt),
    SenderId: 'local',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: createHash('md5').update(message.body).digest('hex'),
  eventSource: 'aws:sqs',
  eventSourceARN: `arn:aws:sqs:local:000000000000:${queueName}`,
  awsRegion: 'local',
});
