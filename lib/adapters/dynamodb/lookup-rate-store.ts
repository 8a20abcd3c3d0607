import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import type { Table } from './table';

/** The partition keys of the counts: the only items lookups may write (infra/stateless-stack.ts). */
export const LOOKUP_RATE_KEY_PREFIX = 'RATE#';

/** How long a second's count stays before TTL may delete it: long enough that no lookup of that second is still counting. */
const COUNT_TTL_SECONDS = 60;

/** Counts lookups per API key and second. */
export interface LookupCounter {
  /** Counts one lookup of `apiKey` in the second `at` falls in; answers that second's count so far, this one included. */
  count(apiKey: string, at: Date): Promise<number>;
}

/**
 * The count in the table, so every Lambda instance adds to the same one: one UpdateItem (1 write
 * unit) per lookup, on an item per key and second that TTL removes. The key is stored only as its
 * digest.
 */
export class LookupRateStore implements LookupCounter {
  constructor(private readonly table: Table) {}

  async count(apiKey: string, at: Date): Promise<number> {
    const second = Math.floor(at.getTime() / 1000);
    const { Attributes } = await this.table.db.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: { pk: `${LOOKUP_RATE_KEY_PREFIX}${createHash('sha256').update(apiKey).digest('base64url')}`, sk: String(second) },
        UpdateExpression: 'ADD lookups :one SET expiresAt = :expiresAt',
        ExpressionAttributeValues: { ':one': 1, ':expiresAt': second + COUNT_TTL_SECONDS },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.lookups);
  }
}
