import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { createTables } from '../../infra/local/create-tables';
import { moveEarlierQueueTable } from '../../infra/local/queue-table-migration';
import { createDocumentClient, dynamoDbLocalConfig } from '../../lib/adapters/dynamodb/dynamodb-client';
import { LocalQueue } from '../../lib/dev/local-queue';

describe("an earlier version's queue table", () => {
  it('is moved into the folder queue at start, dead letters as messages, and dropped', async () => {
    const endpoint = inject('dynamoDbEndpoint');
    const client = new DynamoDBClient(dynamoDbLocalConfig(endpoint));
    const db = createDocumentClient(dynamoDbLocalConfig(endpoint));
    const tableName = `sway-local-queue-${randomUUID().slice(0, 8)}`;
    await createTables(client, [{ id: 'EarlierQueue', envVar: 'UNUSED', localName: tableName, partitionKey: 'queue', sortKey: 'messageId' }]);
    const item = (queue: string, messageId: string, body: string) => ({
      PutRequest: { Item: { queue, messageId, body, receiveCount: 1, visibleAt: 0, sentAt: 0 } },
    });
    await db.send(
      new BatchWriteCommand({
        RequestItems: {
          [tableName]: [
            item('interactions', 'a', '{"first":1}'),
            item('interactions', 'b', '{"second":2}'),
            item('interactions#dead-letters', 'c', '{"poison":3}'),
            item('recompute-requests', 'd', 'run-1'),
          ],
        },
      }),
    );
    const queue = new LocalQueue(mkdtempSync(join(tmpdir(), 'sway-queue-')));

    expect(await moveEarlierQueueTable(client, db, queue, tableName)).toBe(4);

    expect((await queue.messages('interactions')).map((message) => message.body).sort()).toEqual(['{"first":1}', '{"poison":3}', '{"second":2}']);
    expect((await queue.messages('recompute-requests')).map((message) => message.body)).toEqual(['run-1']);
    expect((await client.send(new ListTablesCommand({}))).TableNames).not.toContain(tableName);
    expect(await moveEarlierQueueTable(client, db, queue, tableName)).toBe(0);
    client.destroy();
  });
});
