import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { RETENTION_DAYS } from '../../domain/retention';
import { accountKey } from '../../domain/interactions/account-key';
import { keys } from './keys';
import { isConditionalCheckFailure, type Table } from './table';

const DAY_SECONDS = 86_400;

/** Epoch seconds when what records something that happened at `at` may go: the window and a margin. */
export const expiresAtFor = (at: string | Date): number => Math.floor(new Date(at).getTime() / 1000) + RETENTION_DAYS * DAY_SECONDS;

export interface InteractionRef {
  network: string;
  id: string;
}

/**
 * What ingestion needs to answer at once: which interactions were applied before (one small item
 * per applied interaction, the dedupe key), which webhook deliveries were taken, and where the
 * Bluesky consumer stopped.
 */
export class IngestStore {
  constructor(private readonly table: Table) {}

  /** Which of these interactions were applied before, as `network:id` keys. */
  async appliedInteractions(refs: readonly InteractionRef[]): Promise<Set<string>> {
    const items = await this.table.batchGetAll(
      refs.map((ref) => keys.interaction(ref.network, ref.id)),
      'network, interactionId',
    );
    return new Set(items.map((item) => accountKey(String(item.network), String(item.interactionId))));
  }

  /** Marks these interactions applied, once they are in the log; the marks expire with the window. */
  async rememberApplied(refs: readonly InteractionRef[], appliedAt: Date): Promise<void> {
    const expiresAt = expiresAtFor(appliedAt);
    await this.table.putAll(refs.map(({ network, id }) => ({ ...keys.interaction(network, id), network, interactionId: id, expiresAt })));
  }

  /** Forgets that these were applied: a retracted like that is given again must get through. */
  async forgetApplied(refs: readonly InteractionRef[]): Promise<void> {
    await this.table.deleteAll(refs.map(({ network, id }) => keys.interaction(network, id)));
  }

  /** Whether a webhook delivery with this id was taken before. */
  async deliverySeen(network: string, deliveryId: string): Promise<boolean> {
    const { Item } = await this.table.db.send(
      new GetCommand({ TableName: this.table.name, Key: keys.delivery(network, deliveryId), ProjectionExpression: 'pk' }),
    );
    return Item !== undefined;
  }

  /** Remembers a delivery id as long as the interactions it brought are kept. */
  async rememberDelivery(network: string, deliveryId: string, receivedAt: Date): Promise<void> {
    await this.table.db.send(
      new PutCommand({ TableName: this.table.name, Item: { ...keys.delivery(network, deliveryId), expiresAt: expiresAtFor(receivedAt) } }),
    );
  }

  async jetstreamCursor(): Promise<number | null> {
    const { Item } = await this.table.db.send(new GetCommand({ TableName: this.table.name, Key: keys.jetstreamCursor }));
    return typeof Item?.timeUs === 'number' ? Item.timeUs : null;
  }

  /** Moves the cursor forward only: a consumer that overlapped with a later one cannot take it back. */
  async saveJetstreamCursor(timeUs: number, savedAt: string): Promise<void> {
    try {
      await this.table.db.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...keys.jetstreamCursor, timeUs, savedAt },
          ConditionExpression: 'attribute_not_exists(pk) OR timeUs < :timeUs',
          ExpressionAttributeValues: { ':timeUs': timeUs },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }

  /** Throws when the table cannot be reached. */
  async ping(): Promise<void> {
    await this.table.db.send(new GetCommand({ TableName: this.table.name, Key: keys.health }));
  }
}
