import { GetCommand, PutCommand, BatchGetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { CapacityMeter } from '../../bench/support/consumed-capacity';
import { localDocumentClient } from '../../bench/support/local-dynamodb';
import { isolatedTables } from '../support/isolated-tables';

let db: DynamoDBDocumentClient;
let table: string;
let meter: CapacityMeter;

beforeAll(async () => {
  const tables = await isolatedTables();
  db = tables.db;
  table = tables.mainTable;
  const uncounted = localDocumentClient(tables.endpoint);
  meter = new CapacityMeter(async (name, key) => (await uncounted.send(new GetCommand({ TableName: name, Key: key }))).Item);
  meter.attachTo(db);
});

describe('counting consumed capacity on a document client against DynamoDB Local', () => {
  it('counts writes, reads and transactions as DynamoDB bills them', async () => {
    await meter.reset();
    await db.send(new PutCommand({ TableName: table, Item: { pk: 'cap-a', sk: 'x', v: 1 } }));
    await db.send(new PutCommand({ TableName: table, Item: { pk: 'cap-b', sk: 'x', v: 'y'.repeat(1500) } }));
    expect(await meter.reset()).toMatchObject({ writeUnits: 1 + 2, writeUnitsByKind: { 'cap-a': 1, 'cap-b': 2 }, readUnits: 0, calls: 2 });

    const { Item } = await db.send(new GetCommand({ TableName: table, Key: { pk: 'cap-a', sk: 'x' } }));
    expect(Item?.v).toBe(1);
    await db.send(new GetCommand({ TableName: table, Key: { pk: 'cap-a', sk: 'x' }, ConsistentRead: true }));
    expect(await meter.reset()).toMatchObject({ readUnits: 0.5 + 1, writeUnits: 0 });

    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { pk: 'cap-c', sk: 'x' } } },
          { Update: { TableName: table, Key: { pk: 'cap-a', sk: 'x' }, UpdateExpression: 'ADD v :one', ExpressionAttributeValues: { ':one': 1 } } },
          {
            Update: { TableName: table, Key: { pk: 'cap-b', sk: 'x' }, UpdateExpression: 'SET w = :w', ExpressionAttributeValues: { ':w': 'z'.repeat(1000) } },
          },
        ],
      }),
    );
    // Twice the standard units of each item: 1 KB, 1 KB, and cap-b now over 2 KB.
    expect(await meter.reset()).toMatchObject({ writeUnits: 2 + 2 + 6, calls: 1 });
  });

  it('charges reads that find nothing and writes refused by their condition', async () => {
    await meter.reset();
    await db.send(
      new BatchGetCommand({
        RequestItems: {
          [table]: {
            Keys: [
              { pk: 'cap-a', sk: 'x' },
              { pk: 'cap-none-1', sk: 'x' },
              { pk: 'cap-none-2', sk: 'x' },
            ],
          },
        },
      }),
    );
    await db.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'cap-none' } }));
    await expect(
      db.send(new PutCommand({ TableName: table, Item: { pk: 'cap-a', sk: 'x' }, ConditionExpression: 'attribute_not_exists(pk)' })),
    ).rejects.toThrow();
    expect(await meter.reset()).toEqual({
      readUnits: 0.5 * 3 + 0.5,
      writeUnits: 1,
      writeUnitsByKind: { 'cap-a': 1 },
      calls: 3,
      refusedWrites: 1,
      refusedTransactions: 0,
    });
  });
});
