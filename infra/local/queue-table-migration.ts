import { DeleteTableCommand, ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand, type DynamoDBDocumentClient, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { LocalQueue } from '../../lib/dev/local-queue';
import { queues, type QueueName } from '../../lib/wiring/workers';

/** Where versions before the folder queue kept the local queue, in the data folder's DynamoDB Local. */
export const EARLIER_QUEUE_TABLE = 'sway-local-queue';

const queueNames = new Set<string>(Object.values(queues).map((queue) => queue.name));

/**
 * Moves what an earlier version left in its queue table into the folder queue, a page at a time,
 * then drops the table: acknowledged interactions that were still queued when it stopped are
 * applied after the upgrade. Dead letters come back as messages (received again, dead-lettered
 * again if they still fail). A start that stops half-way moves some messages twice, which the log
 * resolves as it resolves any redelivery, by `(network, id)`. Returns how many messages moved.
 */
export const moveEarlierQueueTable = async (
  client: DynamoDBClient,
  db: DynamoDBDocumentClient,
  queue: Pick<LocalQueue, 'send'>,
  tableName = EARLIER_QUEUE_TABLE,
): Promise<number> => {
  let moved = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    let page: ScanCommandOutput;
    try {
      page = await db.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ConsistentRead: true }));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return moved;
      throw error;
    }
    const bodies = new Map<QueueName, string[]>();
    for (const item of page.Items ?? []) {
      const name = String(item.queue).replace(/#dead-letters$/, '');
      if (!queueNames.has(name) || typeof item.body !== 'string') continue;
      const list = bodies.get(name as QueueName) ?? [];
      list.push(item.body);
      bodies.set(name as QueueName, list);
    }
    for (const [name, messages] of bodies) {
      await queue.send(name, messages);
      moved += messages.length;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  return moved;
};
