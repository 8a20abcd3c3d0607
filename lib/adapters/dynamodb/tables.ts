/**
 * Table definitions, read by the CDK stateful stack and by the local runtime that creates the same
 * tables in DynamoDB Local. Plain data: no AWS construct here.
 */
export interface TableDefinition {
  /** Logical id; the environment variable named by `envVar` carries the physical name. */
  id: string;
  envVar: string;
  /** Name used in DynamoDB Local. */
  localName: string;
  partitionKey: string;
  sortKey: string;
  /** Epoch-seconds attribute that DynamoDB's TTL deletes after. */
  timeToLiveAttribute?: string;
  /** Global secondary indexes with string keys, projecting all attributes or only the keys. */
  globalSecondaryIndexes?: readonly { indexName: string; partitionKey: string; sortKey?: string; projection: 'ALL' | 'KEYS_ONLY' }[];
}

export const tables = {
  /** Single-table design: what lookups read (scores, boards), dedupe keys, runs. See lib/adapters/dynamodb/keys.ts. */
  main: {
    id: 'SwayTable',
    envVar: 'SWAY_TABLE_NAME',
    localName: 'sway',
    partitionKey: 'pk',
    sortKey: 'sk',
    timeToLiveAttribute: 'expiresAt',
    globalSecondaryIndexes: [
      /** Account lookups by handle: `handleKey` = `{network}#{lower-case handle}` on account score items. */
      { indexName: 'byHandle', partitionKey: 'handleKey', projection: 'ALL' },
    ],
  },
} as const satisfies Record<string, TableDefinition>;
