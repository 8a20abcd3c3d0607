import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from '../../lib/adapters/dynamodb/tables';

const indexesOf = (table: TableDefinition): GlobalSecondaryIndex[] =>
  (table.globalSecondaryIndexes ?? []).map((index) => ({
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      ...(index.sortKey ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' as const }] : []),
    ],
    Projection: { ProjectionType: index.projection },
  }));

const attributeDefinitions = (table: TableDefinition) => {
  const attributeNames = new Set([table.partitionKey, table.sortKey]);
  for (const index of table.globalSecondaryIndexes ?? []) {
    attributeNames.add(index.partitionKey);
    if (index.sortKey) attributeNames.add(index.sortKey);
  }
  return [...attributeNames].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const }));
};

/**
 * Creates each table as the CDK stack defines it (keys, indexes, TTL); a table kept from an earlier
 * version (`.sway/`) gets the indexes it lacks, one at a time, as DynamoDB requires.
 */
export const createTables = async (client: DynamoDBClient, definitions: TableDefinition[]): Promise<void> => {
  for (const table of definitions) {
    const indexes = indexesOf(table);
    try {
      await client.send(
        new CreateTableCommand({
          TableName: table.localName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: attributeDefinitions(table),
          KeySchema: [
            { AttributeName: table.partitionKey, KeyType: 'HASH' },
            { AttributeName: table.sortKey, KeyType: 'RANGE' },
          ],
          ...(indexes.length ? { GlobalSecondaryIndexes: indexes } : {}),
        }),
      );
      if (table.timeToLiveAttribute) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: table.localName,
            TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
          }),
        );
      }
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
      const { Table } = await client.send(new DescribeTableCommand({ TableName: table.localName }));
      const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
      for (const index of indexes.filter((candidate) => !existing.has(candidate.IndexName))) {
        await client.send(
          new UpdateTableCommand({
            TableName: table.localName,
            AttributeDefinitions: attributeDefinitions(table),
            GlobalSecondaryIndexUpdates: [{ Create: index }],
          }),
        );
      }
    }
    await client.send(new DescribeTableCommand({ TableName: table.localName }));
  }
};
