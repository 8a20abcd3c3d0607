/**
 * The operations every store needs on the one DynamoDB table, with DynamoDB's limits and retries
 * handled once: BatchGet in chunks of 100, BatchWrite in chunks of 25, every page of a Query, and
 * transactions retried on conflicts and throttling.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inParallel } from '../in-parallel';
import { batchWriteAll } from './batch-write';

export type Key = { pk: string; sk: string };
export type Item = Record<string, unknown>;
export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];
type QueryInput = Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>;

const BATCH_GET_LIMIT = 100;
/** BatchGetItem requests of one call in flight at once. */
const BATCH_GETS_IN_FLIGHT = 8;
const TRANSACTION_CONFLICT_RETRIES = 8;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const isConditionalCheckFailure = (error: unknown): boolean => error instanceof Error && error.name === 'ConditionalCheckFailedException';

export class Table {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly name: string,
  ) {}

  /**
   * BatchGetItem in chunks of 100, several in flight, retrying unprocessed keys with back-off.
   * `names` are the projection's expression attribute names.
   */
  async batchGetAll(
    itemKeys: readonly Item[],
    projection?: string,
    { consistent = false, names }: { consistent?: boolean; names?: Record<string, string> } = {},
  ): Promise<Item[]> {
    const items: Item[] = [];
    const chunks: Item[][] = [];
    for (let start = 0; start < itemKeys.length; start += BATCH_GET_LIMIT) chunks.push(itemKeys.slice(start, start + BATCH_GET_LIMIT));
    await inParallel(chunks, BATCH_GETS_IN_FLIGHT, async (chunk) => {
      let requestKeys = chunk;
      for (let attempt = 0; requestKeys.length > 0; attempt++) {
        const result = await this.db.send(
          new BatchGetCommand({
            RequestItems: {
              [this.name]: {
                Keys: [...requestKeys],
                ...(projection ? { ProjectionExpression: projection } : {}),
                ...(names ? { ExpressionAttributeNames: names } : {}),
                ...(consistent ? { ConsistentRead: true } : {}),
              },
            },
          }),
        );
        items.push(...(result.Responses?.[this.name] ?? []));
        requestKeys = result.UnprocessedKeys?.[this.name]?.Keys ?? [];
        if (requestKeys.length > 0) await sleep(20 * 2 ** Math.min(attempt, 6));
      }
    });
    return items;
  }

  async queryAll(input: QueryInput): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.db.send(new QueryCommand({ ...input, TableName: this.name, ExclusiveStartKey: startKey }));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /** Every item of one partition. */
  partition(pk: string): Promise<Item[]> {
    return this.queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true });
  }

  async putAll(items: readonly Item[]): Promise<void> {
    await batchWriteAll(
      this.db,
      this.name,
      items.map((Item) => ({ PutRequest: { Item } })),
    );
  }

  async deleteAll(itemKeys: readonly Key[]): Promise<void> {
    await batchWriteAll(
      this.db,
      this.name,
      itemKeys.map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } })),
    );
  }

  /**
   * One transaction, retried with back-off on conflicts with other transactions and on
   * throttling; failed conditions are an answer: the indexes of the items whose condition failed.
   */
  async transact(items: TransactItem[]): Promise<'committed' | { failedConditions: number[] }> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return 'committed';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
        const failedConditions = codes.flatMap((code, index) => (code === 'ConditionalCheckFailed' ? [index] : []));
        if (failedConditions.length > 0) return { failedConditions };
        const retryable = codes.some((code) => code === 'TransactionConflict' || code === 'ThrottlingError');
        if (!retryable || attempt >= TRANSACTION_CONFLICT_RETRIES) throw error;
        await sleep(Math.random() * 10 * 2 ** attempt);
      }
    }
  }
}
