import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RunRecord } from '../../domain/run-record';
import { keys } from './keys';
import { isConditionalCheckFailure, type Table } from './table';

const toRun = (item: Record<string, unknown>): RunRecord => ({
  runId: String(item.runId),
  status: item.status as RunRecord['status'],
  trigger: item.trigger as RunRecord['trigger'],
  startedAt: String(item.startedAt),
  finishedAt: typeof item.finishedAt === 'string' ? item.finishedAt : null,
  topics: Number(item.topics ?? 0),
  accounts: Number(item.accounts ?? 0),
  ...(typeof item.mode === 'string' ? { mode: item.mode as RunRecord['mode'] } : {}),
  ...(typeof item.interactions === 'number' ? { interactions: item.interactions } : {}),
  ...(typeof item.error === 'string' ? { error: item.error } : {}),
});

/** Recompute runs, the last one, and the lease that keeps two from running at once. */
export class RunsStore {
  constructor(private readonly table: Table) {}

  async putRun(run: RunRecord): Promise<void> {
    await this.table.db.send(new PutCommand({ TableName: this.table.name, Item: { ...keys.run(run.runId), ...run } }));
  }

  async run(runId: string): Promise<RunRecord | null> {
    const { Item } = await this.table.db.send(new GetCommand({ TableName: this.table.name, Key: keys.run(runId), ConsistentRead: true }));
    return Item ? toRun(Item) : null;
  }

  /** The run's end, and the last run the service reports (only a run that did not end already). */
  async finishRun(run: RunRecord): Promise<void> {
    await this.table.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.table.name, Item: { ...keys.run(run.runId), ...run } } },
          { Put: { TableName: this.table.name, Item: { ...keys.lastRun, ...run } } },
        ],
      }),
    );
  }

  async lastRun(): Promise<RunRecord | null> {
    const { Item } = await this.table.db.send(new GetCommand({ TableName: this.table.name, Key: keys.lastRun }));
    return Item ? toRun(Item) : null;
  }

  /** A lease, so that two recomputes never run at once, and one that died frees the way when its lease runs out. */
  async acquireRunLock(runId: string, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    try {
      await this.table.db.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...keys.runLock, runId, leaseUntil: now + leaseMs },
          ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now OR runId = :runId',
          ExpressionAttributeValues: { ':now': now, ':runId': runId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  /** Extends the run's lease, if the run still holds the lock; false once another run took it. */
  async renewRunLock(runId: string, leaseMs: number): Promise<boolean> {
    try {
      await this.table.db.send(
        new UpdateCommand({
          TableName: this.table.name,
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
    const { Item } = await this.table.db.send(new GetCommand({ TableName: this.table.name, Key: keys.runLock, ConsistentRead: true }));
    return Item && Number(Item.leaseUntil) > Date.now() ? String(Item.runId) : null;
  }

  async releaseRunLock(runId: string): Promise<void> {
    try {
      await this.table.db.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.runLock,
          UpdateExpression: 'SET leaseUntil = :zero',
          ConditionExpression: 'runId = :runId',
          ExpressionAttributeValues: { ':zero': 0, ':runId': runId },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }
}
