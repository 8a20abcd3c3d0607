/**
 * The adapters a function needs, built once per process from the environment: SQS in AWS, the
 * DynamoDB-backed local queue on one machine.
 */
import { env, requireEnv } from '../config';
import { LocalQueue } from '../queue/local-queue';
import type { MessageQueue } from '../queue/message-queue';
import { SqsQueue } from '../queue/sqs-queue';
import { documentClient } from '../store/dynamodb-client';
import { SwayStore } from '../store/sway-store';

let store: SwayStore | undefined;
let queue: MessageQueue | undefined;

export const swayStore = (): SwayStore => (store ??= new SwayStore(documentClient(), requireEnv(env.tableName)));

export const messageQueue = (): MessageQueue => {
  if (!queue) {
    const localQueueTable = process.env[env.localQueueTable];
    queue = localQueueTable ? new LocalQueue(documentClient(), localQueueTable) : new SqsQueue();
  }
  return queue;
};

/** The local runtime hands its own queue instance in, so a send wakes its consumer at once. */
export const useMessageQueue = (instance: MessageQueue): void => {
  queue = instance;
};
