import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { batchWriteAll } from '../adapters/dynamodb/batch-write';
import { queues, type QueueName } from '../wiring/workers';
import type { MessageQueue, QueueDepth, Redrive } from '../adapters/queue/message-queue';

export interface ReceivedMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt: number;
}

const deadLetterPartition = (queue: string): string => `${queue}#dead-letters`;

/**
 * SQS semantics on a DynamoDB table, for one machine: a message is stored before `send` resolves,
 * so it survives a crash; receiving hides it for a visibility timeout; a message received too many
 * times moves to the dead-letter partition.
 */
export class LocalQueue implements MessageQueue {
  private readonly sent = new EventEmitter();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Called after each send, so a consumer in the same process wakes up at once. */
  onSend(listener: (queue: QueueName) => void): void {
    this.sent.on('sent', listener);
  }

  queueNames(): QueueName[] {
    return Object.values(queues).map((queue) => queue.name);
  }

  async send(queue: QueueName, bodies: string[]): Promise<void> {
    const now = Date.now();
    const items = bodies.map((body, i) => ({
      queue,
      // Time-ordered ids keep delivery roughly first-in, first-out.
      messageId: `${now.toString(36).padStart(9, '0')}-${String(i).padStart(4, '0')}-${randomUUID()}`,
      body,
      receiveCount: 0,
      visibleAt: now,
      sentAt: now,
    }));
    await batchWriteAll(
      this.db,
      this.tableName,
      items.map((Item) => ({ PutRequest: { Item } })),
      1,
    );
    this.sent.emit('sent', queue);
  }

  async depth(queue: QueueName): Promise<QueueDepth> {
    const [pending, deadLetters] = await Promise.all([this.count(queue), this.count(deadLetterPartition(queue))]);
    return { pending, deadLetters };
  }

  /** Takes up to `max` visible messages and hides them for `visibilityTimeoutSeconds`. */
  async receive(queue: string, max: number, visibilityTimeoutSeconds: number): Promise<ReceivedMessage[]> {
    const now = Date.now();
    const received: ReceivedMessage[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#queue = :queue',
          FilterExpression: 'visibleAt <= :now',
          ExpressionAttributeNames: { '#queue': 'queue' },
          ExpressionAttributeValues: { ':queue': queue, ':now': now },
          ExclusiveStartKey: startKey,
          Limit: 100,
        }),
      );
      // Claimed in parallel, in order; one that another consumer claimed first is skipped.
      const items = page.Items ?? [];
      for (let next = 0; next < items.length && received.length < max; ) {
        const candidates = items.slice(next, next + max - received.length);
        next += candidates.length;
        const claims = await Promise.all(candidates.map((item) => this.claim(queue, String(item.messageId), now, visibilityTimeoutSeconds)));
        for (const claimed of claims) if (claimed) received.push(claimed);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && received.length < max);
    return received;
  }

  async deleteMessages(queue: string, messageIds: string[]): Promise<void> {
    await batchWriteAll(
      this.db,
      this.tableName,
      messageIds.map((messageId) => ({ DeleteRequest: { Key: { queue, messageId } } })),
      1,
    );
  }

  /** A failed delivery: visible again after a back-off, or dead-lettered after `maxReceiveCount` receives. */
  async fail(queue: string, message: ReceivedMessage, maxReceiveCount: number): Promise<'retry' | 'dead-letter'> {
    if (message.receiveCount >= maxReceiveCount) {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...message, queue: deadLetterPartition(queue), deadLetteredAt: Date.now() },
              },
            },
            { Delete: { TableName: this.tableName, Key: { queue, messageId: message.messageId } } },
          ],
        }),
      );
      return 'dead-letter';
    }
    const backoffMs = Math.min(30_000, 250 * 2 ** message.receiveCount);
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { queue, messageId: message.messageId },
        UpdateExpression: 'SET visibleAt = :visibleAt',
        ExpressionAttributeValues: { ':visibleAt': Date.now() + backoffMs },
      }),
    );
    return 'retry';
  }

  /**
   * Makes every in-flight message visible again. Only for a consumer's start, when no earlier
   * consumer of this table can still be working on one (it was in a process that has ended).
   */
  async releaseInFlight(queue: string): Promise<void> {
    for (const message of await this.all(queue)) {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { queue, messageId: message.messageId },
          UpdateExpression: 'SET visibleAt = :now',
          ExpressionAttributeValues: { ':now': Date.now() },
        }),
      );
    }
  }

  async redrive(queue: QueueName): Promise<Redrive> {
    let moved = 0;
    for (const message of await this.all(deadLetterPartition(queue))) {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { queue, messageId: message.messageId, body: message.body, receiveCount: 0, visibleAt: Date.now(), sentAt: message.sentAt },
              },
            },
            { Delete: { TableName: this.tableName, Key: { queue: deadLetterPartition(queue), messageId: message.messageId } } },
          ],
        }),
      );
      moved++;
    }
    if (moved > 0) this.sent.emit('sent', queue);
    return { queue, status: 'moved', messages: moved };
  }

  async deadLetters(queue: string): Promise<ReceivedMessage[]> {
    return this.all(deadLetterPartition(queue));
  }

  /** Every message of the queue, visible or in flight (dead letters not included). */
  async messages(queue: string): Promise<ReceivedMessage[]> {
    return this.all(queue);
  }

  private async claim(queue: string, messageId: string, now: number, visibilityTimeoutSeconds: number): Promise<ReceivedMessage | null> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { queue, messageId },
          UpdateExpression: 'SET visibleAt = :hiddenUntil ADD receiveCount :one',
          ConditionExpression: 'attribute_exists(messageId) AND visibleAt <= :now',
          ExpressionAttributeValues: { ':hiddenUntil': now + visibilityTimeoutSeconds * 1000, ':now': now, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (!Attributes) return null;
      return {
        messageId,
        body: String(Attributes.body),
        receiveCount: Number(Attributes.receiveCount),
        sentAt: Number(Attributes.sentAt),
      };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      throw error;
    }
  }

  private async all(partition: string): Promise<ReceivedMessage[]> {
    const messages: ReceivedMessage[] = [];
    for await (const page of this.pages(partition, 'ALL_ATTRIBUTES')) {
      for (const item of page.Items ?? []) {
        messages.push({
          messageId: String(item.messageId),
          body: String(item.body),
          receiveCount: Number(item.receiveCount),
          sentAt: Number(item.sentAt),
        });
      }
    }
    return messages;
  }

  private async count(partition: string): Promise<number> {
    let total = 0;
    for await (const page of this.pages(partition, 'COUNT')) total += page.Count ?? 0;
    return total;
  }

  private async *pages(partition: string, select: 'ALL_ATTRIBUTES' | 'COUNT') {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#queue = :queue',
          ExpressionAttributeNames: { '#queue': 'queue' },
          ExpressionAttributeValues: { ':queue': partition },
          Select: select,
          ExclusiveStartKey: startKey,
        }),
      );
      yield page;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}
