import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { EngagementType, InteractionType } from '../interactions/schema';
import { accountDigest } from '../interactions/account-digest';
import { INTERACTION_TYPES, accountKey, parseAccountKey } from '../interactions/schema';
import type { ContentRef, ContentTopics } from '../aggregation/content-topics';
import type { HandleClaim } from '../interactions/queued';
import { contentKey } from '../aggregation/content-topics';
import { aggregateCounts, expiresAtFor, type InteractionRecord, type ItemUpdate, type TransactionPlan } from '../aggregation/write-plan';
import { RefusedWriteError } from '../aggregation/apply-interactions';
import type { BoardPage, BoardPointer } from '../leaderboards/board';
import { LeaseLostError, OptOutsChangedError, type FlipGuard, type OptOutState, type StoredBoardPointer } from '../recompute/run-recompute';
import type { ContentAggregate, EngagementAggregate, PostAggregate } from '../scoring/engagement';
import type { Explanation, History, Run } from '../api/schemas';
import { batchWriteAll } from './batch-write';
import { HandleSightings } from '../interactions/handles';
import { AGGREGATE_SHARDS, keys } from './keys';

const DAY_SECONDS = 86_400;
const TRANSACTION_CONFLICT_RETRIES = 8;
/** Daily score history is kept for a little over a year. */
const HISTORY_RETENTION_DAYS = 400;
const BATCH_GET_LIMIT = 100;
/** Conditional writes of account items in flight at once. */
const ACCOUNT_WRITE_CONCURRENCY = 16;

export interface StoredAccountScore {
  network: string;
  id: string;
  handle: string | null;
  score: number;
  topics: { topic: string; score: number; rank: number }[];
  computedAt: string;
}

export type StoredExplanation = Omit<Explanation, 'handle' | 'topic'> & { topic: string };

export interface StoredProfile {
  profileId: string;
  name: string | null;
  accounts: { network: string; id: string }[];
  updatedAt: string;
}

export interface OptedOutAccount {
  optedOut: true;
  network: string;
  id: string;
}

export interface BoardEntryInput {
  rank: number;
  data: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` on every item, at most `concurrency` at a time. */
const inParallel = async <T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
};

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

const ENGAGEMENT_TYPES = INTERACTION_TYPES.filter((type): type is EngagementType => type !== 'post');

const toInteractionRecord = (item: Record<string, unknown>): InteractionRecord => ({
  type: item.type as InteractionType,
  actor: String(item.actor),
  target: typeof item.target === 'string' ? item.target : null,
  topics: Array.isArray(item.topics) ? (item.topics as string[]) : [],
  occurredAt: String(item.occurredAt),
  ...(typeof item.parentContentId === 'string' ? { parentContentId: item.parentContentId } : {}),
});

const isConditionalCheckFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Cancellation reasons that say an item itself is beyond DynamoDB's limits, not that the moment was bad. */
const REFUSED_ITEM_CODES = new Set(['ValidationError', 'ItemCollectionSizeLimitExceeded']);

/**
 * DynamoDB refusing a write for what it holds (a key or item too large, a set past 400 KB): the
 * same write would be refused again, so it is a RefusedWriteError, which the apply step isolates.
 */
const asRefusedWrite = (error: unknown): unknown => {
  if (!(error instanceof Error)) return error;
  if (error.name === 'ValidationException' || error.name === 'ItemCollectionSizeLimitExceededException') {
    return new RefusedWriteError(`DynamoDB refused the write: ${error.message}`, { cause: error });
  }
  if (error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((reason) => REFUSED_ITEM_CODES.has(reason.Code ?? ''))) {
    return new RefusedWriteError('DynamoDB refused an item of the transaction', { cause: error });
  }
  return error;
};

/** Runs a write, turning DynamoDB's refusals of what it holds into RefusedWriteError. */
const refusable = async <T>(write: () => Promise<T>): Promise<T> => {
  try {
    return await write();
  } catch (error) {
    throw asRefusedWrite(error);
  }
};

/** Everything Sway keeps in DynamoDB, behind methods named for what the domain needs. */
export class SwayStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  // --- ingestion ---------------------------------------------------------------------------

  /** Which of these interactions were applied before, as `network:id` keys. */
  async appliedInteractions(refs: { network: string; id: string }[]): Promise<Set<string>> {
    const items = await this.batchGetAll(
      refs.map((ref) => keys.interaction(ref.network, ref.id)),
      'network, interactionId, retractedAt',
    );
    // A retracted interaction (or a tombstone) is left to the apply step: a newer like after an
    // un-like applies, an old redelivery does not.
    return new Set(
      items.filter((item) => item.retractedAt === undefined).map((item) => accountKey(String(item.network), String(item.interactionId))),
    );
  }

  /** Whether a webhook delivery with this id was taken before. */
  async deliverySeen(network: string, deliveryId: string): Promise<boolean> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.delivery(network, deliveryId), ProjectionExpression: 'pk' }));
    return Item !== undefined;
  }

  /** Remembers a delivery id as long as the interactions it brought are kept. */
  async rememberDelivery(network: string, deliveryId: string, receivedAt: Date): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.delivery(network, deliveryId), expiresAt: expiresAtFor(receivedAt.toISOString()) } }),
    );
  }

  // --- aggregation -------------------------------------------------------------------------

  async registerTopics(topics: string[]): Promise<void> {
    await batchWriteAll(
      this.db,
      this.tableName,
      [...new Set(topics)].map((topic) => ({ PutRequest: { Item: { ...keys.topicRegistry(topic), topic } } })),
    );
  }

  async recordHandleClaims(claims: HandleClaim[]): Promise<void> {
    await inParallel(claims, ACCOUNT_WRITE_CONCURRENCY, async ({ network, id, handle, seenAt }) => {
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...keys.handleClaim(network, id), account: accountKey(network, id), handle, seenAt, expiresAt: expiresAtFor(seenAt) },
            ConditionExpression: 'attribute_not_exists(pk) OR seenAt < :seenAt',
            ExpressionAttributeValues: { ':seenAt': seenAt },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error;
      }
    });
  }

  /** Every account's self-published handle, by `network:id`. */
  async handleClaims(): Promise<Map<string, string>> {
    const shards = await this.queryShards(keys.handleClaimPartition);
    return new Map(shards.flat().map((item) => [String(item.account), String(item.handle)]));
  }

  async rememberContentTopics(contents: ContentTopics[]): Promise<void> {
    await batchWriteAll(
      this.db,
      this.tableName,
      contents.map(({ network, contentId, topics, occurredAt }) => ({
        PutRequest: { Item: { ...keys.content(network, contentId), topics, expiresAt: expiresAtFor(occurredAt) } },
      })),
    );
  }

  async contentTopics(contents: ContentRef[]): Promise<Map<string, string[]>> {
    const items = await this.batchGetAll(
      contents.map(({ network, contentId }) => keys.content(network, contentId)),
      'pk, topics',
    );
    const byPk = new Map(items.map((item) => [String(item.pk), item.topics]));
    const topics = new Map<string, string[]>();
    for (const { network, contentId } of contents) {
      const stored = byPk.get(keys.content(network, contentId).pk);
      if (Array.isArray(stored)) topics.set(contentKey(network, contentId), stored as string[]);
    }
    return topics;
  }

  /**
   * Writes a plan of the aggregation (lib/aggregation/write-plan.ts) in one transaction: each
   * interaction item conditional on the interaction not being there yet (a tombstone left by an
   * earlier retraction lets only an interaction that happened after it through), content that
   * was deleted taking no new interactions. When a condition fails nothing is written, and the
   * interactions that failed it are named, so the caller can apply the others.
   */
  async applyTransaction(plan: TransactionPlan): Promise<{ committed: true } | { committed: false; refused: Set<string> }> {
    const items: TransactItem[] = [
      ...plan.puts.map(
        (put): TransactItem => ({
          Put: {
            TableName: this.tableName,
            Item: put.item,
            ConditionExpression: 'attribute_not_exists(pk) OR (attribute_exists(retractedAt) AND retractedAt < :occurredAt)',
            ExpressionAttributeValues: { ':occurredAt': put.occurredAt },
          },
        }),
      ),
      ...plan.updates.map((update) => this.updateOf(update)),
    ];
    const outcome = await refusable(() => this.transact(items));
    if (outcome === 'committed') return { committed: true };
    const refused = new Set(
      outcome.failedConditions.flatMap((index) =>
        index < plan.puts.length ? (plan.puts[index]?.interactionKey ?? []) : (plan.updates[index - plan.puts.length]?.from ?? []),
      ),
    );
    if (refused.size === 0) throw new Error('transaction cancelled by a condition that no interaction of it set');
    return { committed: false, refused };
  }

  private updateOf(update: ItemUpdate): TransactItem {
    if (update.kind === 'contentInteractions') {
      return {
        Update: {
          TableName: this.tableName,
          Key: update.key,
          UpdateExpression: 'ADD interactionIds :ids SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(retractedAt)',
          ExpressionAttributeValues: { ':ids': new Set(update.ids), ':expiresAt': update.expiresAt },
        },
      };
    }
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const adds = Object.entries(update.add).map(([counter, amount], i) => {
      names[`#a${i}`] = counter;
      values[`:a${i}`] = amount;
      return `#a${i} :a${i}`;
    });
    const sets = Object.entries(update.set).map(([attribute, value], i) => {
      names[`#s${i}`] = attribute;
      values[`:s${i}`] = value;
      return `#s${i} = :s${i}`;
    });
    return {
      Update: {
        TableName: this.tableName,
        Key: update.key,
        UpdateExpression: `ADD ${adds.join(', ')}${sets.length > 0 ? ` SET ${sets.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  }

  /**
   * Undoes one interaction: takes away exactly what applying it added, once, and only if it was
   * applied and not after `retractedAt` (a like after the un-like stays), unless `includeLater`.
   * An interaction not seen yet gets a tombstone, so it is dropped when it arrives later.
   */
  async retractInteraction(
    network: string,
    id: string,
    retractedAt: string,
    { includeLater = false } = {},
  ): Promise<'retracted' | 'tombstoned' | 'unchanged'> {
    return refusable(() => this.retractOnce(network, id, retractedAt, includeLater));
  }

  private async retractOnce(network: string, id: string, retractedAt: string, includeLater: boolean): Promise<'retracted' | 'tombstoned' | 'unchanged'> {
    const at = new Date(retractedAt).toISOString();
    const key = keys.interaction(network, id);
    for (;;) {
      const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      if (!Item) {
        try {
          await this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { ...key, network, interactionId: id, retractedAt: at, expiresAt: expiresAtFor(at) },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
          return 'tombstoned';
        } catch (error) {
          if (isConditionalCheckFailure(error)) continue; // applied meanwhile: retract it
          throw error;
        }
      }
      if (typeof Item.type !== 'string') {
        await this.extendTombstone(key, at);
        return 'unchanged';
      }
      const record = toInteractionRecord(Item);
      if (typeof Item.retractedAt === 'string') {
        // Retracted before; a crash may have left emptied aggregates behind.
        await this.removeEmptyAggregates(record);
        return 'unchanged';
      }
      if (!includeLater && new Date(record.occurredAt).toISOString() > at) return 'unchanged';

      const minusOne = { ':minusOne': -1 };
      const items: TransactItem[] = [
        {
          Update: {
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET retractedAt = :at',
            ConditionExpression: 'attribute_not_exists(retractedAt) AND appliedAt = :appliedAt',
            ExpressionAttributeValues: { ':at': at, ':appliedAt': Item.appliedAt },
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: keys.interactionCounter(accountKey(network, id)),
            UpdateExpression: 'ADD interactions :minusOne',
            ExpressionAttributeValues: minusOne,
          },
        },
      ];
      // Aggregates expire with the interaction; near the end of retention they may be gone already.
      const aggregatesAlive = Number(Item.expiresAt) * 1000 > Date.now() + DAY_SECONDS * 1000;
      for (const count of aggregatesAlive ? aggregateCounts(record) : []) {
        items.push({
          Update: {
            TableName: this.tableName,
            Key: count.key,
            UpdateExpression: 'ADD #count :minusOne',
            ExpressionAttributeNames: { '#count': count.counter },
            ExpressionAttributeValues: minusOne,
          },
        });
      }
      if ((await this.transact(items)) !== 'committed') continue; // changed meanwhile: look again
      await this.removeEmptyAggregates(record);
      return 'retracted';
    }
  }

  /**
   * Undoes every interaction a piece of content brought (a deleted post and its mentions) and
   * marks the content deleted, so interactions from it that arrive later are dropped.
   */
  async retractContent(network: string, contentId: string, retractedAt: string): Promise<number> {
    const at = new Date(retractedAt).toISOString();
    const { Attributes } = await refusable(() => this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.contentInteractions(network, contentId),
        UpdateExpression: 'SET retractedAt = if_not_exists(retractedAt, :at), expiresAt = if_not_exists(expiresAt, :expiresAt)',
        ExpressionAttributeValues: { ':at': at, ':expiresAt': expiresAtFor(at) },
        ReturnValues: 'ALL_NEW',
      }),
    ));
    const ids = Attributes?.interactionIds instanceof Set ? [...(Attributes.interactionIds as Set<string>)] : [];
    let retracted = 0;
    for (const id of ids.sort()) {
      if ((await this.retractInteraction(network, id, at, { includeLater: true })) === 'retracted') retracted++;
    }
    return retracted;
  }

  /** A later retraction of something never seen moves its tombstone forward. */
  private async extendTombstone(key: { pk: string; sk: string }, at: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET retractedAt = :at, expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(#type) AND retractedAt < :at',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':at': at, ':expiresAt': expiresAtFor(at) },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }

  /**
   * Deletes aggregates a retraction brought to zero, so the scoring sees no engagement that is not
   * there; conditional, so a concurrent apply that counted on one keeps it.
   */
  private async removeEmptyAggregates(record: InteractionRecord): Promise<void> {
    for (const count of aggregateCounts(record)) {
      const counters = count.kind === 'edge' ? ENGAGEMENT_TYPES.map((type) => `n_${type}`) : [count.counter];
      try {
        await this.db.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: count.key,
            ConditionExpression: counters.map((_, i) => `(attribute_not_exists(#c${i}) OR #c${i} <= :zero)`).join(' AND ') + ' AND attribute_exists(pk)',
            ExpressionAttributeNames: Object.fromEntries(counters.map((counter, i) => [`#c${i}`, counter])),
            ExpressionAttributeValues: { ':zero': 0 },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error;
      }
    }
  }

  /**
   * One transaction, retried with back-off on conflicts with other transactions and on
   * throttling; failed conditions are an answer: the indexes of the items whose condition failed.
   */
  private async transact(items: TransactItem[]): Promise<'committed' | { failedConditions: number[] }> {
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

  // --- recompute inputs --------------------------------------------------------------------

  async registeredTopics(): Promise<string[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.topicRegistryPartition },
    });
    return items.map((item) => String(item.topic)).sort();
  }

  /** Every engagement aggregate of a topic, read from its shards in parallel. */
  async engagementAggregates(topic: string): Promise<{ edges: EngagementAggregate[]; handles: HandleSightings }> {
    const handles = new HandleSightings();
    const shards = await this.queryShards((shard) => keys.edgePartition(topic, shard));
    const edges: EngagementAggregate[] = [];
    for (const item of shards.flat()) {
      const counts: EngagementAggregate['counts'] = {};
      for (const [name, value] of Object.entries(item)) {
        if (name.startsWith('n_')) counts[name.slice(2) as EngagementType] = Number(value);
      }
      const author = String(item.author);
      const engager = String(item.engager);
      const day = String(item.day);
      handles.saw(author, item.authorHandle, day);
      handles.saw(engager, item.engagerHandle, day);
      edges.push({ author, engager, day, counts });
    }
    return { edges, handles };
  }

  async postAggregates(topic: string): Promise<{ posts: PostAggregate[]; handles: HandleSightings }> {
    const handles = new HandleSightings();
    const shards = await this.queryShards((shard) => keys.postPartition(topic, shard));
    const posts = shards.flat().map((item) => {
      handles.saw(String(item.author), item.authorHandle, String(item.day));
      return { author: String(item.author), day: String(item.day), posts: Number(item.posts) };
    });
    return { posts, handles };
  }

  async contentAggregates(topic: string): Promise<ContentAggregate[]> {
    const shards = await this.queryShards((shard) => keys.contentResponsesPartition(topic, shard));
    return shards.flat().map((item) => ({ author: String(item.author), contentId: String(item.contentId), responses: Number(item.responses) }));
  }

  // --- explanations and history ------------------------------------------------------------

  async writeExplanations(explanations: StoredExplanation[]): Promise<void> {
    await batchWriteAll(
      this.db,
      this.tableName,
      explanations.map((explanation) => ({
        PutRequest: { Item: { ...keys.explanation(explanation.network, explanation.id, explanation.topic), ...explanation } },
      })),
    );
  }

  async deleteExplanations(explanations: { network: string; id: string; topic: string }[]): Promise<void> {
    await batchWriteAll(
      this.db,
      this.tableName,
      explanations.map(({ network, id, topic }) => ({ DeleteRequest: { Key: keys.explanation(network, id, topic) } })),
    );
  }

  async explanation(network: string, id: string, topic: string): Promise<StoredExplanation | null> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.explanation(network, id, topic) }));
    if (!Item) return null;
    const { pk: _pk, sk: _sk, ...explanation } = Item;
    return explanation as StoredExplanation;
  }

  async writeHistory(day: string, points: { network: string; id: string; topic: string; score: number }[]): Promise<void> {
    const expiresAt = Math.floor(Date.parse(day) / 1000) + HISTORY_RETENTION_DAYS * DAY_SECONDS;
    await batchWriteAll(
      this.db,
      this.tableName,
      points.map((point) => ({
        PutRequest: { Item: { ...keys.history(point.network, point.id, point.topic, day), date: day, score: point.score, expiresAt } },
      })),
    );
  }

  /** One point a day from `fromDay` on, oldest first. */
  async history(network: string, id: string, topic: string, fromDay: string): Promise<History> {
    const { pk, sk } = keys.history(network, id, topic, fromDay);
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': sk, ':to': keys.history(network, id, topic, '9999-12-31').sk },
    });
    return items.map((item) => ({ date: String(item.date), score: Number(item.score) }));
  }

  // --- boards (leaderboards and the topic list) --------------------------------------------

  async writeBoardEntries(board: string, version: string, entries: BoardEntryInput[]): Promise<void> {
    await batchWriteAll(
      this.db,
      this.tableName,
      entries.map((entry) => ({
        PutRequest: { Item: { ...keys.boardEntry(board, version, entry.rank), rank: entry.rank, ...entry.data } },
      })),
    );
  }

  /**
   * Makes `pointer.version` the board readers see — in one transaction with checks that the run
   * still holds its lease and that no account opted out since the run read the opt-outs
   * (LeaseLostError, OptOutsChangedError otherwise, and nothing changed). The replaced version
   * stays readable for open cursors until the next flip, unless `keepReplaced` is false.
   */
  async flipBoard(
    board: string,
    pointer: BoardPointer & { networks?: string[] },
    guard: FlipGuard,
    { keepReplaced }: { keepReplaced: boolean },
  ): Promise<{ replaced: StoredBoardPointer | null; unreferenced: string[] }> {
    for (;;) {
      const current = await this.boardPointer(board);
      const outcome = await this.transact([
        {
          ConditionCheck: {
            TableName: this.tableName,
            Key: keys.runLock,
            ConditionExpression: 'runId = :runId AND leaseUntil >= :now',
            ExpressionAttributeValues: { ':runId': guard.runId, ':now': Date.now() },
          },
        },
        {
          ConditionCheck: {
            TableName: this.tableName,
            Key: keys.optOutEpoch,
            ConditionExpression: guard.optOutEpoch === 0 ? 'attribute_not_exists(epoch) OR epoch = :epoch' : 'epoch = :epoch',
            ExpressionAttributeValues: { ':epoch': guard.optOutEpoch },
          },
        },
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.boardPointer(board),
              board,
              ...pointer,
              ...(current && keepReplaced ? { previousVersion: current.version, previousComputedAt: current.computedAt } : {}),
            },
            // Another writer flipped it between the read and now: read again.
            ConditionExpression: current ? 'version = :current' : 'attribute_not_exists(pk)',
            ...(current ? { ExpressionAttributeValues: { ':current': current.version } } : {}),
          },
        },
      ]);
      if (outcome !== 'committed') {
        if (outcome.failedConditions.includes(0)) throw new LeaseLostError();
        if (outcome.failedConditions.includes(1)) throw new OptOutsChangedError();
        continue;
      }
      const unreferenced = [current?.previousVersion, keepReplaced ? undefined : current?.version].filter(
        (version): version is string => version !== undefined && version !== pointer.version,
      );
      return { replaced: current, unreferenced };
    }
  }

  async boardPointer(board: string): Promise<StoredBoardPointer | null> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.boardPointer(board), ConsistentRead: true }));
    if (!Item) return null;
    return {
      version: String(Item.version),
      count: Number(Item.count),
      computedAt: String(Item.computedAt),
      ...(typeof Item.previousVersion === 'string' ? { previousVersion: Item.previousVersion } : {}),
      ...(typeof Item.previousComputedAt === 'string' ? { previousComputedAt: Item.previousComputedAt } : {}),
      ...(Array.isArray(Item.networks) ? { networks: Item.networks as string[] } : {}),
    };
  }

  async deleteBoard(board: string): Promise<void> {
    const pointer = await this.boardPointer(board);
    if (!pointer) return;
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keys.boardPointer(board) }));
    for (const version of [pointer.version, pointer.previousVersion]) if (version) await this.deleteBoardVersion(board, version);
  }

  async deleteBoardVersion(board: string, version: string): Promise<void> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.boardPartition(board, version) },
      ProjectionExpression: 'pk, sk',
    });
    await batchWriteAll(this.db, this.tableName, items.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })));
  }

  /**
   * One page of a board: from the current version, or from the version a cursor pinned. Null when
   * the board has never been computed, or the pinned version is gone.
   */
  async boardPage<T>(board: string, limit: number, after?: { version: string; rank: number }): Promise<BoardPage<T> | null> {
    const current = await this.boardPointer(board);
    if (!current) return null;
    const version = after?.version ?? current.version;
    if (after && version !== current.version && version !== current.previousVersion) return null;
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk > :after',
        ExpressionAttributeValues: {
          ':pk': keys.boardPartition(board, version),
          ':after': keys.boardEntry(board, version, after?.rank ?? 0).sk,
        },
        Limit: limit,
      }),
    );
    const entries = Items.map(({ pk: _pk, sk: _sk, ...data }) => data as T & { rank: number });
    const last = entries.at(-1);
    return {
      entries,
      lastRank: LastEvaluatedKey && last ? last.rank : null,
      pointer: version === current.version ? current : { version, count: 0, computedAt: current.previousComputedAt ?? current.computedAt },
    };
  }

  // --- accounts ----------------------------------------------------------------------------

  /** Each account's item, unless the account opted out: a conditional put per account, so an opt-out is never overwritten. */
  async writeAccountScores(accounts: StoredAccountScore[], runId: string): Promise<void> {
    await inParallel(accounts, ACCOUNT_WRITE_CONCURRENCY, async (account) => {
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...keys.accountScore(account.network, account.id),
              ...account,
              runId,
              ...(account.handle ? { handleKey: `${account.network}#${account.handle.toLowerCase()}` } : {}),
            },
            ConditionExpression: 'attribute_not_exists(optedOut)',
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error;
      }
    });
  }

  /** Deletes the items of these accounts, but never an opt-out. */
  async deleteAccountScores(accounts: { network: string; id: string }[]): Promise<void> {
    await inParallel(accounts, ACCOUNT_WRITE_CONCURRENCY, async ({ network, id }) => {
      try {
        await this.db.send(
          new DeleteCommand({ TableName: this.tableName, Key: keys.accountScore(network, id), ConditionExpression: 'attribute_not_exists(optedOut)' }),
        );
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error;
      }
    });
  }

  /** By id, or else by handle (case-insensitive). An opted-out account answers only that it opted out. */
  async accountScore(network: string, idOrHandle: string): Promise<StoredAccountScore | OptedOutAccount | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.accountScore(network, idOrHandle) }),
    );
    if (Item?.optedOut === true) return { optedOut: true, network, id: idOrHandle };
    if (Item) return toAccountScore(Item);
    const byHandle = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byHandle',
        KeyConditionExpression: 'handleKey = :handleKey',
        ExpressionAttributeValues: { ':handleKey': `${network}#${idOrHandle.toLowerCase()}` },
        Limit: 1,
      }),
    );
    const found = byHandle.Items?.[0];
    return found ? toAccountScore(found) : null;
  }

  // --- profiles ----------------------------------------------------------------------------

  async putProfile(profile: StoredProfile): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.profile(profile.profileId), ...profile } }));
  }

  async profile(profileId: string): Promise<StoredProfile | null> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.profile(profileId) }));
    if (!Item) return null;
    return { profileId: Item.profileId as string, name: (Item.name as string | null) ?? null, accounts: Item.accounts as StoredProfile['accounts'], updatedAt: Item.updatedAt as string };
  }

  // --- consent -----------------------------------------------------------------------------

  /**
   * Records the opt-out, at once and in one transaction: the account's item becomes the opt-out
   * record (lookups answer 410, later interactions are dropped, no run writes over it), an entry
   * tells the next run to purge the account, and the opt-out epoch moves on, so a run that is
   * publishing now sees it before its next flip.
   */
  async optOut(network: string, id: string, requestedAt: string): Promise<void> {
    const account = accountKey(network, id);
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: { ...keys.accountScore(network, id), network, id, optedOut: true, requestedAt } } },
          { Put: { TableName: this.tableName, Item: { ...keys.optOut(accountDigest(account)), account, requestedAt } } },
          {
            Update: {
              TableName: this.tableName,
              Key: keys.optOutEpoch,
              UpdateExpression: 'ADD epoch :one',
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
        ],
      }),
    );
  }

  /**
   * Every opt-out as of its epoch: the epoch is read first, so the list holds at least every
   * opt-out the epoch counts. Purged accounts are known by their digest only.
   */
  async optOutState(): Promise<OptOutState> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.optOutEpoch, ConsistentRead: true }));
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.optOutPartition },
      ConsistentRead: true,
    });
    return {
      epoch: Number(Item?.epoch ?? 0),
      all: new Set(items.map((item) => String(item.sk))),
      unpurged: new Set(items.filter((item) => typeof item.account === 'string').map((item) => String(item.account))),
    };
  }

  /** Which of these accounts (`network:id`) opted out. */
  async optedOutAmong(accounts: string[]): Promise<Set<string>> {
    const items = await this.batchGetAll(
      [...new Set(accounts)].map((account) => {
        const { network, id } = parseAccountKey(account);
        return keys.accountScore(network, id);
      }),
      'network, id, optedOut',
    );
    return new Set(items.filter((item) => item.optedOut === true).map((item) => accountKey(String(item.network), String(item.id))));
  }

  /** Deletes a topic's aggregates (engagements, posts, content responses) that involve any of `accounts`. */
  async deleteAggregatesInvolving(topic: string, accounts: Set<string>): Promise<void> {
    for (const partitionOf of [keys.edgePartition, keys.postPartition, keys.contentResponsesPartition]) {
      const items = (await this.queryShards((shard) => partitionOf(topic, shard))).flat();
      const doomed = items.filter((item) => accounts.has(String(item.author)) || accounts.has(String(item.engager)));
      await batchWriteAll(this.db, this.tableName, doomed.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })));
    }
  }


  /**
   * Removes what is left of an opted-out account — its explanations, its history, its handle
   * claim, the records of its interactions (found by the byActor and byTarget indexes) and their
   * ids in the lists of what a piece of content brought — then forgets who the opt-out entry was for. The opt-out
   * record at the account's own key stays: it is what keeps the account out.
   */
  async purgeAccount(network: string, id: string, purgedAt: string): Promise<void> {
    const account = accountKey(network, id);
    const own = [
      ...(await this.queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :explain)',
        ExpressionAttributeValues: { ':pk': keys.accountScore(network, id).pk, ':explain': 'EXPLAIN#' },
      })),
      ...(await this.queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.history(network, id, '', '').pk } })),
    ];
    const interactionKeys = new Map<string, { pk: unknown; sk: unknown }>();
    for (const [indexName, attribute] of [['byActor', 'actor'], ['byTarget', 'target']] as const) {
      const found = await this.queryAll({
        IndexName: indexName,
        KeyConditionExpression: '#account = :account',
        ExpressionAttributeNames: { '#account': attribute },
        ExpressionAttributeValues: { ':account': account },
      });
      for (const item of found) interactionKeys.set(String(item.pk), { pk: item.pk, sk: item.sk });
    }
    const interactions = await this.batchGetAll([...interactionKeys.values()] as Record<string, unknown>[], 'pk, sk, network, interactionId, contentId');
    const idsByContent = new Map<string, { network: string; contentId: string; ids: string[] }>();
    for (const item of interactions) {
      if (typeof item.contentId !== 'string') continue;
      const content = keys.contentInteractions(String(item.network), item.contentId).pk;
      const entry = idsByContent.get(content) ?? { network: String(item.network), contentId: item.contentId, ids: [] };
      entry.ids.push(String(item.interactionId));
      idsByContent.set(content, entry);
    }
    for (const { network: contentNetwork, contentId, ids } of idsByContent.values()) {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.contentInteractions(contentNetwork, contentId),
          UpdateExpression: 'DELETE interactionIds :ids',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':ids': new Set(ids) },
        }),
      ).catch((error: unknown) => {
        if (!isConditionalCheckFailure(error)) throw error;
      });
    }
    await batchWriteAll(
      this.db,
      this.tableName,
      [...own, ...interactions, keys.handleClaim(network, id)].map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
    );
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.optOut(accountDigest(account)),
        UpdateExpression: 'SET purgedAt = :purgedAt REMOVE account',
        ExpressionAttributeValues: { ':purgedAt': purgedAt },
      }),
    );
  }

  // --- runs --------------------------------------------------------------------------------

  async putRun(run: Run): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.run(run.runId), ...run } }));
  }

  async run(runId: string): Promise<Run | null> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.run(runId) }));
    return Item ? toRun(Item) : null;
  }

  async finishRun(run: Run): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: { ...keys.run(run.runId), ...run } } },
          { Put: { TableName: this.tableName, Item: { ...keys.lastRun, ...run } } },
        ],
      }),
    );
  }

  async lastRun(): Promise<Run | null> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.lastRun }));
    return Item ? toRun(Item) : null;
  }

  /**
   * A lease, so that two recomputes never run at once, and one that died frees the way when its
   * lease runs out. Returns false if another run holds it.
   */
  async acquireRunLock(runId: string, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.runLock, runId, leaseUntil: now + leaseMs },
          ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now OR runId = :runId',
          ExpressionAttributeValues: { ':now': now, ':runId': runId },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** Extends the run's lease, if the run still holds the lock; false once another run took it. */
  async renewRunLock(runId: string, leaseMs: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.runLock,
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression: 'runId = :runId',
          ExpressionAttributeValues: { ':until': Date.now() + leaseMs, ':runId': runId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  /** The run whose lease on the lock has not run out, if any. */
  async runLockHolder(): Promise<string | null> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.runLock, ConsistentRead: true }));
    return Item && Number(Item.leaseUntil) > Date.now() ? String(Item.runId) : null;
  }

  async releaseRunLock(runId: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.runLock,
          UpdateExpression: 'SET leaseUntil = :zero',
          ConditionExpression: 'runId = :runId',
          ExpressionAttributeValues: { ':zero': 0, ':runId': runId },
        }),
      );
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    }
  }

  // --- Bluesky Jetstream cursor ------------------------------------------------------------

  async jetstreamCursor(): Promise<number | null> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.jetstreamCursor }));
    return typeof Item?.timeUs === 'number' ? Item.timeUs : null;
  }

  /** Moves the cursor forward only: a consumer that overlapped with a later one cannot take it back. */
  async saveJetstreamCursor(timeUs: number, savedAt: string): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.jetstreamCursor, timeUs, savedAt },
          ConditionExpression: 'attribute_not_exists(pk) OR timeUs < :timeUs',
          ExpressionAttributeValues: { ':timeUs': timeUs },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }

  // --- stats and health --------------------------------------------------------------------

  async interactionCount(): Promise<number> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.statsPartition, ':prefix': 'interactions#' },
    });
    return items.reduce((sum, item) => sum + Number(item.interactions ?? 0), 0);
  }

  /** Throws when the table cannot be reached. */
  async ping(): Promise<void> {
    await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.health }));
  }

  /** Every item of a topic's sharded partitions, read in parallel. */
  private async queryShards(partitionOf: (shard: number) => string): Promise<Record<string, unknown>[][]> {
    return Promise.all(
      Array.from({ length: AGGREGATE_SHARDS }, (_, shard) =>
        this.queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': partitionOf(shard) } }),
      ),
    );
  }

  /** BatchGetItem in chunks of 100, retrying unprocessed keys with back-off. */
  private async batchGetAll(itemKeys: Record<string, unknown>[], projection: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for (let start = 0; start < itemKeys.length; start += BATCH_GET_LIMIT) {
      let requestKeys = itemKeys.slice(start, start + BATCH_GET_LIMIT);
      for (let attempt = 0; requestKeys.length > 0; attempt++) {
        const result = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: requestKeys, ProjectionExpression: projection } } }),
        );
        items.push(...(result.Responses?.[this.tableName] ?? []));
        requestKeys = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        if (requestKeys.length > 0) await sleep(20 * 2 ** Math.min(attempt, 6));
      }
    }
    return items;
  }

  private async queryAll(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: startKey }));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}

const toAccountScore = (item: Record<string, unknown>): StoredAccountScore => ({
  network: String(item.network),
  id: String(item.id),
  handle: typeof item.handle === 'string' ? item.handle : null,
  score: Number(item.score),
  topics: Array.isArray(item.topics) ? (item.topics as StoredAccountScore['topics']) : [],
  computedAt: String(item.computedAt),
});

const toRun = (item: Record<string, unknown>): Run => ({
  runId: String(item.runId),
  status: item.status as Run['status'],
  trigger: item.trigger as Run['trigger'],
  startedAt: String(item.startedAt),
  finishedAt: typeof item.finishedAt === 'string' ? item.finishedAt : null,
  topics: Number(item.topics ?? 0),
  accounts: Number(item.accounts ?? 0),
  ...(typeof item.error === 'string' ? { error: item.error } : {}),
});
