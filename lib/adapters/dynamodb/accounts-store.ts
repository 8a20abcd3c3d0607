import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { accountKey } from '../../domain/interactions/account-key';
import type { StoredAudience } from '../../domain/search/audience';
import { keys } from './keys';
import { inParallel } from '../in-parallel';
import { isConditionalCheckFailure, type Table } from './table';

const DAY_SECONDS = 86_400;
/** Daily score history is kept for a little over a year. */
const HISTORY_RETENTION_DAYS = 400;
const WRITES_IN_FLIGHT = 32;
/** Each topic score is an attribute of its own, so one topic's score changes without reading the item. */
const TOPIC_ATTRIBUTE_PREFIX = 'ts:';

export interface StoredAccount {
  network: string;
  id: string;
  handle: string | null;
  score: number;
  /** Score per topic the account is scored in. */
  topicScores: Map<string, number>;
  computedAt: string;
}

export interface OptedOutAccount {
  optedOut: true;
  network: string;
  id: string;
}

/** What a run changes of one account's item; what it leaves out stays as it is. */
export interface AccountChange {
  network: string;
  id: string;
  /** The overall score; absent: unchanged, or 1 for a new account. */
  score?: number;
  /** Undefined: unchanged; null: no handle known. */
  handle?: string | null;
  /** Topic scores that are new or changed. */
  topicScores?: Record<string, number>;
  /** Topics the account is no longer scored in. */
  droppedTopics?: string[];
  computedAt: string;
  runId: string;
}

/**
 * An explanation as stored: its factors as measured, without the label and description every
 * explanation shares; `GET …/explain` adds them, the handle and the rank.
 */
export interface StoredExplanation {
  network: string;
  id: string;
  topic: string;
  score: number;
  factors: { name: string; value: number; contribution: number }[];
  topEngagers: { network: string; id: string; handle: string | null; interactions: number; weight: number }[];
  topContent: { contentId: string; responses: number; weight: number }[];
  computedAt: string;
  /** Anti-gaming flags (FLAGS bits); absent: none. */
  flags?: number;
  /** The account's engagers in the topic, for audience overlap (lib/domain/search/audience.ts). */
  audience?: StoredAudience;
}

/** An account's score on one day. */
export interface ScorePoint {
  date: string;
  score: number;
}

export interface CampaignFacts {
  handle: string | null;
  score: number;
  /** Opted out, declined campaigns, or never scored. */
  excluded: boolean;
}

/** An item a run wrote: one written only by a preference is of an account not seen yet. */
const isSeen = (item: Record<string, unknown>): boolean => typeof item.computedAt === 'string';

const toAccount = (item: Record<string, unknown>): StoredAccount => ({
  network: String(item.network),
  id: String(item.id),
  handle: typeof item.handle === 'string' ? item.handle : null,
  score: Number(item.score ?? 1),
  topicScores: new Map(
    Object.entries(item)
      .filter(([name]) => name.startsWith(TOPIC_ATTRIBUTE_PREFIX))
      .map(([name, value]) => [name.slice(TOPIC_ATTRIBUTE_PREFIX.length), Number(value)]),
  ),
  computedAt: String(item.computedAt),
});

/** Topic scores set or removed by one update: well inside an update expression's 4 KB. */
const TOPICS_PER_UPDATE = 100;
/** An account item keeps at most this many topics (ids and topics at their longest: well under 400 KB); lookups show 50. */
export const MAX_STORED_TOPICS = 1_000;

interface AccountUpdate {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** A change as updates: the first sets the account's own attributes, each sets or removes up to TOPICS_PER_UPDATE topics. */
const accountUpdates = (change: AccountChange): AccountUpdate[] => {
  const values: Record<string, unknown> = { ':network': change.network, ':id': change.id, ':computedAt': change.computedAt, ':runId': change.runId };
  const sets = ['network = :network', 'id = :id', 'computedAt = :computedAt', 'runId = :runId'];
  const removes: string[] = [];
  if (change.score !== undefined) {
    sets.push('score = :score');
    values[':score'] = change.score;
  } else {
    sets.push('score = if_not_exists(score, :one)');
    values[':one'] = 1;
  }
  if (change.handle) {
    sets.push('handle = :handle', 'handleKey = :handleKey');
    values[':handle'] = change.handle;
    values[':handleKey'] = `${change.network}#${change.handle.toLowerCase()}`;
  } else if (change.handle === null) {
    removes.push('handle', 'handleKey');
  }
  const topicEdits: ({ topic: string; score: number } | { topic: string; score: null })[] = [
    ...Object.entries(change.topicScores ?? {}).map(([topic, score]) => ({ topic, score })),
    ...(change.droppedTopics ?? []).map((topic) => ({ topic, score: null })),
  ];
  const updates: AccountUpdate[] = [];
  for (let first = 0; first === 0 || first < topicEdits.length; first += TOPICS_PER_UPDATE) {
    const update =
      first === 0
        ? { sets: [...sets], removes: [...removes], values: { ...values } }
        : { sets: [] as string[], removes: [] as string[], values: {} as Record<string, unknown> };
    const names: Record<string, string> = {};
    topicEdits.slice(first, first + TOPICS_PER_UPDATE).forEach(({ topic, score }, i) => {
      names[`#t${i}`] = `${TOPIC_ATTRIBUTE_PREFIX}${topic}`;
      if (score === null) update.removes.push(`#t${i}`);
      else {
        update.values[`:t${i}`] = score;
        update.sets.push(`#t${i} = :t${i}`);
      }
    });
    const clauses = [update.sets.length > 0 ? `SET ${update.sets.join(', ')}` : '', update.removes.length > 0 ? `REMOVE ${update.removes.join(', ')}` : ''];
    updates.push({ expression: clauses.filter(Boolean).join(' '), names, values: update.values });
  }
  return updates;
};

const isItemTooLarge = (error: unknown): boolean => error instanceof Error && error.name === 'ValidationException' && /size/i.test(error.message);

/** Account items (or their opt-out records), explanations and daily history: what lookups of an account read. */
export class AccountsStore {
  constructor(private readonly table: Table) {}

  /** By id, or else by handle (case-insensitive). An opted-out account answers only that it opted out. */
  async account(network: string, idOrHandle: string): Promise<StoredAccount | OptedOutAccount | null> {
    const { Item } = await this.table.db.send(new GetCommand({ TableName: this.table.name, Key: keys.accountScore(network, idOrHandle) }));
    if (Item?.optedOut === true) return { optedOut: true, network, id: idOrHandle };
    if (Item && isSeen(Item)) return toAccount(Item);
    const byHandle = await this.table.db.send(
      new QueryCommand({
        TableName: this.table.name,
        IndexName: 'byHandle',
        KeyConditionExpression: 'handleKey = :handleKey',
        ExpressionAttributeValues: { ':handleKey': `${network}#${idOrHandle.toLowerCase()}` },
        Limit: 1,
      }),
    );
    const found = byHandle.Items?.[0];
    return found ? toAccount(found) : null;
  }

  async accounts(refs: readonly { network: string; id: string }[]): Promise<StoredAccount[]> {
    const items = await this.table.batchGetAll(refs.map(({ network, id }) => keys.accountScore(network, id)));
    return items.filter((item) => item.optedOut !== true && isSeen(item)).map(toAccount);
  }

  /**
   * What campaign search needs of each account: handle, overall score, whether it opted out or
   * declined campaigns. Accounts never scored are left out.
   */
  async campaignFacts(refs: readonly { network: string; id: string }[]): Promise<Map<string, CampaignFacts>> {
    const items = await this.table.batchGetAll(
      refs.map(({ network, id }) => keys.accountScore(network, id)),
      'network, id, handle, score, optedOut, campaigns, computedAt',
    );
    return new Map(
      items.map((item) => [
        accountKey(String(item.network), String(item.id)),
        {
          handle: typeof item.handle === 'string' ? item.handle : null,
          score: Number(item.score ?? 1),
          excluded: item.optedOut === true || item.campaigns === false || !isSeen(item),
        },
      ]),
    );
  }

  /** Each account's scores in these topics (those it is scored in). */
  async topicScoresOf(refs: readonly { network: string; id: string }[], topics: readonly string[]): Promise<Map<string, Map<string, number>>> {
    const names = Object.fromEntries(topics.map((topic, i) => [`#t${i}`, `${TOPIC_ATTRIBUTE_PREFIX}${topic}`]));
    const items = await this.table.batchGetAll(
      refs.map(({ network, id }) => keys.accountScore(network, id)),
      ['network', 'id', 'optedOut', ...Object.keys(names)].join(', '),
      { names },
    );
    return new Map(
      items
        .filter((item) => item.optedOut !== true)
        .map((item) => [accountKey(String(item.network), String(item.id)), toAccount({ ...item, computedAt: '' }).topicScores]),
    );
  }

  /** Whether the account takes part in campaign search: true unless it declined. An account never seen has its preference kept for when it is. */
  async campaignPreference(network: string, id: string): Promise<{ campaigns: boolean } | OptedOutAccount> {
    const { Item } = await this.table.db.send(
      new GetCommand({ TableName: this.table.name, Key: keys.accountScore(network, id), ProjectionExpression: 'optedOut, campaigns' }),
    );
    if (Item?.optedOut === true) return { optedOut: true, network, id };
    return { campaigns: Item?.campaigns !== false };
  }

  /** Sets the preference; false if the account opted out (its item is then the opt-out record, never written over). */
  async setCampaignPreference(network: string, id: string, campaigns: boolean): Promise<boolean> {
    try {
      await this.table.db.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.accountScore(network, id),
          UpdateExpression: campaigns ? 'SET network = :network, id = :id REMOVE campaigns' : 'SET network = :network, id = :id, campaigns = :declined',
          ConditionExpression: 'attribute_not_exists(optedOut)',
          ExpressionAttributeValues: { ':network': network, ':id': id, ...(campaigns ? {} : { ':declined': false }) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Writes each change as updates of the account's item, on condition that the item is no opt-out:
   * an opt-out is never overwritten. A change of many topics takes several updates (an update
   * expression holds at most 4 KB); an item that would outgrow DynamoDB's 400 KB keeps its best
   * MAX_STORED_TOPICS topics.
   */
  async applyAccountChanges(changes: readonly AccountChange[]): Promise<void> {
    await inParallel(changes, WRITES_IN_FLIGHT, async (change) => {
      try {
        for (const update of accountUpdates(change)) {
          await this.table.db.send(
            new UpdateCommand({
              TableName: this.table.name,
              Key: keys.accountScore(change.network, change.id),
              UpdateExpression: update.expression,
              ConditionExpression: 'attribute_not_exists(optedOut)',
              ...(Object.keys(update.names).length > 0 ? { ExpressionAttributeNames: update.names } : {}),
              ...(Object.keys(update.values).length > 0 ? { ExpressionAttributeValues: update.values } : {}),
            }),
          );
        }
      } catch (error) {
        if (isConditionalCheckFailure(error)) return;
        if (!isItemTooLarge(error)) throw error;
        await this.keepBestTopics(change);
      }
    });
  }

  /** The change applied to the item as it is, keeping its best topics, written whole. */
  private async keepBestTopics(change: AccountChange): Promise<void> {
    const key = keys.accountScore(change.network, change.id);
    const { Item } = await this.table.db.send(new GetCommand({ TableName: this.table.name, Key: key, ConsistentRead: true }));
    if (Item?.optedOut === true) return;
    const topics = new Map(Item ? toAccount(Item).topicScores : []);
    for (const [topic, score] of Object.entries(change.topicScores ?? {})) topics.set(topic, score);
    for (const topic of change.droppedTopics ?? []) topics.delete(topic);
    const best = [...topics].sort(([topicA, a], [topicB, b]) => b - a || (topicA < topicB ? -1 : 1)).slice(0, MAX_STORED_TOPICS);
    const handle = change.handle === undefined ? (Item?.handle as string | undefined) : (change.handle ?? undefined);
    try {
      await this.table.db.send(
        new PutCommand({
          TableName: this.table.name,
          Item: {
            ...key,
            network: change.network,
            id: change.id,
            computedAt: change.computedAt,
            runId: change.runId,
            score: change.score ?? Item?.score ?? 1,
            ...(handle ? { handle, handleKey: `${change.network}#${handle.toLowerCase()}` } : {}),
            ...Object.fromEntries(best.map(([topic, score]) => [`${TOPIC_ATTRIBUTE_PREFIX}${topic}`, score])),
          },
          ConditionExpression: 'attribute_not_exists(optedOut)',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }

  async writeExplanations(explanations: readonly StoredExplanation[]): Promise<void> {
    await this.table.putAll(
      explanations.map((explanation) => ({ ...keys.explanation(explanation.network, explanation.id, explanation.topic), ...explanation })),
    );
  }

  async deleteExplanations(explanations: readonly { network: string; id: string; topic: string }[]): Promise<void> {
    await this.table.deleteAll(explanations.map(({ network, id, topic }) => keys.explanation(network, id, topic)));
  }

  async explanation(network: string, id: string, topic: string): Promise<StoredExplanation | null> {
    const { Item } = await this.table.db.send(new GetCommand({ TableName: this.table.name, Key: keys.explanation(network, id, topic) }));
    if (!Item) return null;
    const { pk: _pk, sk: _sk, ...explanation } = Item;
    return explanation as StoredExplanation;
  }

  /** A point for each changed score on `day`; days without one keep the score of the day before. */
  async writeHistory(day: string, points: readonly { network: string; id: string; topic: string; score: number }[]): Promise<void> {
    const expiresAt = Math.floor(Date.parse(day) / 1000) + HISTORY_RETENTION_DAYS * DAY_SECONDS;
    await this.table.putAll(points.map((point) => ({ ...keys.history(point.network, point.id, point.topic, day), date: day, score: point.score, expiresAt })));
  }

  /**
   * One point a day from `fromDay` to `toDay`, oldest first: the stored points, and for days
   * without one the score last stored before (a run writes a point only when the score changed).
   */
  async history(network: string, id: string, topic: string, fromDay: string, toDay: string): Promise<ScorePoint[]> {
    const { pk, sk: fromKey } = keys.history(network, id, topic, fromDay);
    const [before, within] = await Promise.all([
      this.table.db.send(
        new QueryCommand({
          TableName: this.table.name,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :from',
          ExpressionAttributeValues: { ':pk': pk, ':first': `${topic}#`, ':from': fromKey },
          ScanIndexForward: false,
          Limit: 2,
        }),
      ),
      this.table.queryAll({
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': fromKey, ':to': keys.history(network, id, topic, toDay).sk },
      }),
    ]);
    const stored = new Map(within.map((item) => [String(item.date), Number(item.score)]));
    let last = (before.Items ?? []).map((item) => ({ date: String(item.date), score: Number(item.score) })).find((point) => point.date < fromDay)?.score;
    const points: ScorePoint[] = [];
    for (let day = fromDay; day <= toDay; day = nextDay(day)) {
      last = stored.get(day) ?? last;
      if (last !== undefined) points.push({ date: day, score: last });
    }
    return points;
  }

  /** The explanations and history of an account that opted out. */
  async deleteTraces(network: string, id: string): Promise<void> {
    const own = [
      ...(await this.table.queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :explain)',
        ExpressionAttributeValues: { ':pk': keys.accountScore(network, id).pk, ':explain': 'EXPLAIN#' },
      })),
      ...(await this.table.partition(keys.history(network, id, '', '').pk)),
    ];
    await this.table.deleteAll(own.map((item) => ({ pk: String(item.pk), sk: String(item.sk) })));
  }
}

const nextDay = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_SECONDS * 1000).toISOString().slice(0, 10);
