/**
 * Records every DynamoDB write (put, update, delete, batch and transactional writes) made while
 * handling one request, as an AWS SDK middleware, and every message sent to the queues: a refused
 * request must have written nothing. Requests may be handled concurrently; each one's writes are
 * told apart by async context.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MessageQueue } from '../../lib/adapters/queue/message-queue';

const WRITE_COMMAND = /^(Put|Update|Delete|BatchWrite|TransactWrite)/;

export const recordWrites = (clients: DynamoDBDocumentClient[], queues: Pick<MessageQueue, 'send'>[] = []) => {
  const current = new AsyncLocalStorage<string[]>();
  for (const queue of queues) {
    const send = queue.send.bind(queue);
    queue.send = async (name, bodies) => {
      current.getStore()?.push(`SendMessage ${name}`);
      return send(name, bodies);
    };
  }
  for (const client of clients) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (WRITE_COMMAND.test(context.commandName ?? '')) current.getStore()?.push(context.commandName!);
        return next(args);
      },
      { step: 'initialize', name: 'recordWrites' },
    );
  }
  return {
    /** Runs `work`, and returns what it returned with the writes made on its behalf. */
    during: async <T>(work: () => Promise<T>): Promise<{ result: T; writes: string[] }> => {
      const writes: string[] = [];
      const result = await current.run(writes, work);
      return { result, writes };
    },
  };
};
