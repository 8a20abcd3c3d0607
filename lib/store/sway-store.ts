import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { EngagementType, Interaction } from '../interactions/schema';
import { accountKey } from '../interactions/schema';
import type { BoardPage, BoardPointer } from '../leaderboards/board';
import type { ContentAggregate, EngagementAggregate, PostAggregate } from '../scoring/engagement';
import type { Explanation, History, Run } from '../api/schemas';
import { batchWriteAll } from './batch-write';
import { HandleSightings } from '../interactions/handles';
import { AGGREGATE_SHARDS, OVERALL_TOPIC, keys } from './keys';

const DAY_SECONDS = 86_400;
/** Interactions and aggregates are kept a little longer than the 90-day scoring window. */
export const RETENTION_DAYS = 100;
const TRANSACTION_CONFLICT_RETRIES = 8;
/** Daily score history is kept for a little over a year. */
const HISTORY_RETENTION_DAYS = 400;
const BATCH_GET_LIMIT = 100;

export interface StoredAccountScore {
  network: string;
  id: string;
  handle: string | null;
  score: number;
  topics: { topic: string; score: number; rank: number }[];
  computedAt: string;
}

export type StoredExplanation = Omit<Explanation, 'handle' | 'topic'> & { topic: string };

export interface BoardEntryInput {
  rank: number;
  data: Record<string, unknown>;
}

const expiresAtFor = (occurredAt: string): number =>
  Math.floor(Date.parse(occurredAt) / 1000) + RETENTION_DAYS * DAY_SECONDS;

const dayOf = (occurredAt: string): string => new Date(occurredAt).toISOString().slice(0, 10);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Everything Sway keeps in DynamoDB, behind methods named for what the domain needs. */
export class SwayStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  // --- ingestion ---------------------------------------------------------------------------

  /** Which of these interactions were applied before, as `network:id` keys. */
  async appliedInteractions(refs: { network: string; id: string }[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let start = 0; start < refs.length; start += BATCH_GET_LIMIT) {
      let requestKeys: Record<string, unknown>[] = refs
        .slice(start, start + BATCH_GET_LIMIT)
        .map((ref) => keys.interaction(ref.network, ref.id));
      for (let attempt = 0; requestKeys.length > 0; attempt++) {
        const result = await this.db.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: requestKeys, ProjectionExpression: 'network, interactionId' } },
          }),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          found.add(accountKey(String(item.network), String(item.interactionId)));
        }
        requestKeys = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        if (requestKeys.length > 0) await sleep(20 * 2 ** Math.min(attempt, 6));
      }
    }
    return found;
  }

  // --- aggregation -------------------------------------------------------------------------

  async registerTopics(topics: string[]): Promise<void> {
    await batchWriteAll(
      this.db,
      this.tableName,
      [...new Set(topics)].map((topic) => ({ PutRequest: { Item: { ...keys.topicRegistry(topic), topic } } })),
    );
  }

  async rememberContentTopics(network: string, contentId: string, topics: string[], occurredAt: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.content(network, contentId), topics, expiresAt: expiresAtFor(occurredAt) },
      }),
    );
  }

  async contentTopics(network: string, contentId: string): Promise<string[]> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.content(network, contentId) }));
    return Array.isArray(Item?.topics) ? (Item.topics as string[]) : [];
  }

  /**
   * Records the interaction and adds it to its aggregates in one transaction, conditional on the
   * interaction not being there yet: applying the same interaction twice changes nothing.
   */
  async applyInteraction(interaction: Interaction, topics: string[], appliedAt: string): Promise<'applied' | 'duplicate'> {
    const expiresAt = expiresAtFor(interaction.occurredAt);
    const day = dayOf(interaction.occurredAt);
    const actor = accountKey(interaction.network, interaction.actor.id);
    const target = interaction.target ? accountKey(interaction.network, interaction.target.id) : null;
    const interactionKey = accountKey(interaction.network, interaction.id);

    type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.interaction(interaction.network, interaction.id),
            network: interaction.network,
            interactionId: interaction.id,
            type: interaction.type,
            actor,
            target,
            topics,
            occurredAt: interaction.occurredAt,
            appliedAt,
            expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: keys.interactionCounter(interactionKey),
          UpdateExpression: 'ADD interactions :one',
          ExpressionAttributeValues: { ':one': 1 },
        },
      },
    ];
    for (const topic of [OVERALL_TOPIC, ...topics]) {
      if (interaction.type === 'post') {
        items.push({
          Update: {
            TableName: this.tableName,
            Key: keys.post(topic, day, actor),
            UpdateExpression: 'ADD posts :one SET author = :author, #day = :day, expiresAt = :expiresAt' +
              (interaction.actor.handle ? ', authorHandle = :authorHandle' : ''),
            ExpressionAttributeNames: { '#day': 'day' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':author': actor,
              ':day': day,
              ':expiresAt': expiresAt,
              ...(interaction.actor.handle ? { ':authorHandle': interaction.actor.handle } : {}),
            },
          },
        });
      } else if (target && target !== actor) {
        const handles: Record<string, string> = {};
        if (interaction.target?.handle) handles[':authorHandle'] = interaction.target.handle;
        if (interaction.actor.handle) handles[':engagerHandle'] = interaction.actor.handle;
        items.push({
          Update: {
            TableName: this.tableName,
            Key: keys.edge(topic, day, target, actor),
            UpdateExpression:
              'ADD #type :one SET author = :author, engager = :engager, #day = :day, expiresAt = :expiresAt' +
              (handles[':authorHandle'] ? ', authorHandle = :authorHandle' : '') +
              (handles[':engagerHandle'] ? ', engagerHandle = :engagerHandle' : ''),
            ExpressionAttributeNames: { '#type': `n_${interaction.type}`, '#day': 'day' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':author': target,
              ':engager': actor,
              ':day': day,
              ':expiresAt': expiresAt,
              ...handles,
            },
          },
        });
        if (interaction.parentContentId) {
          items.push({
            Update: {
              TableName: this.tableName,
              Key: keys.contentResponses(topic, target, interaction.parentContentId),
              UpdateExpression: 'ADD responses :one SET author = :author, contentId = :contentId, expiresAt = :expiresAt',
              ExpressionAttributeValues: { ':one': 1, ':author': target, ':contentId': interaction.parentContentId, ':expiresAt': expiresAt },
            },
          });
        }
      }
    }

    for (let attempt = 0; ; attempt++) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return 'applied';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
        if (codes[0] === 'ConditionalCheckFailed') return 'duplicate';
        const conflict = codes.some((code) => code === 'TransactionConflict');
        if (!conflict || attempt >= TRANSACTION_CONFLICT_RETRIES) throw error;
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
    const shards = await Promise.all(
      Array.from({ length: AGGREGATE_SHARDS }, (_, shard) =>
        this.queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.edgePartition(topic, shard) } }),
      ),
    );
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
    const shards = await Promise.all(
      Array.from({ length: AGGREGATE_SHARDS }, (_, shard) =>
        this.queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.postPartition(topic, shard) } }),
      ),
    );
    const posts = shards.flat().map((item) => {
      handles.saw(String(item.author), item.authorHandle, String(item.day));
      return { author: String(item.author), day: String(item.day), posts: Number(item.posts) };
    });
    return { posts, handles };
  }

  async contentAggregates(topic: string): Promise<ContentAggregate[]> {
    const shards = await Promise.all(
      Array.from({ length: AGGREGATE_SHARDS }, (_, shard) =>
        this.queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.contentResponsesPartition(topic, shard) } }),
      ),
    );
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
   * Makes `pointer.version` the board readers see. The version it replaces stays readable for open
   * cursors until the next flip; returns the version that no pointer references any more.
   */
  async flipBoard(board: string, pointer: BoardPointer): Promise<string | null> {
    const current = await this.boardPointer(board);
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.boardPointer(board),
          board,
          ...pointer,
          ...(current ? { previousVersion: current.version, previousComputedAt: current.computedAt } : {}),
        },
      }),
    );
    return current?.previousVersion ?? null;
  }

  async boardPointer(board: string): Promise<(BoardPointer & { previousVersion?: string; previousComputedAt?: string }) | null> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.boardPointer(board) }));
    if (!Item) return null;
    return {
      version: String(Item.version),
      count: Number(Item.count),
      computedAt: String(Item.computedAt),
      ...(typeof Item.previousVersion === 'string' ? { previousVersion: Item.previousVersion } : {}),
      ...(typeof Item.previousComputedAt === 'string' ? { previousComputedAt: Item.previousComputedAt } : {}),
    };
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

  async writeAccountScores(accounts: StoredAccountScore[], runId: string): Promise<void> {
    await batchWriteAll(
      this.db,
      this.tableName,
      accounts.map((account) => ({
        PutRequest: {
          Item: {
            ...keys.accountScore(account.network, account.id),
            ...account,
            runId,
            ...(account.handle ? { handleKey: `${account.network}#${account.handle.toLowerCase()}` } : {}),
          },
        },
      })),
    );
  }

  /** By id, or else by handle (case-insensitive). */
  async accountScore(network: string, idOrHandle: string): Promise<StoredAccountScore | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.accountScore(network, idOrHandle) }),
    );
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
