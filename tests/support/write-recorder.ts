/**
 * Records every DynamoDB write (put, update, delete, batch and transactional writes) made while
 * handling one request, as an AWS SDK middleware: a refused request must have written nothing.
 * Requests may be handled concurrently; each one's writes are told apart by async context.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const WRITE_COMMAND = /^(Put|Update|Delete|BatchWrite|TransactWrite)/;

export const recordWrites = (clients: DynamoDBDocumentClient[]) => {
  const current = new AsyncLocalStorage<string[]>();
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
