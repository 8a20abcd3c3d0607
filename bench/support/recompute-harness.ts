import { dynamoDbLocalConfig } from '../../lib/adapters/dynamodb/dynamodb-client';
/**
 * What the recompute benchmarks share: the stores with every DynamoDB write of a run's results
 * stubbed out (the ceiling: the same units, aggregating and scoring, with nothing written), object
 * store folders seeded with a copy of a log, and the size of what a folder holds.
 */
import { randomUUID } from 'node:crypto';
import { cpSync, type Dirent, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTables } from '../../infra/local/create-tables';
import type { BoardPointer } from '../../lib/domain/leaderboards/board';
import { storesOver, type Stores } from '../../lib/wiring/dependencies';
import { AccountsStore, type AccountChange, type StoredExplanation } from '../../lib/adapters/dynamodb/accounts-store';
import { BoardsStore, type BoardChunkRef, type BoardFlip, type BoardWrite, type FlippedBoard } from '../../lib/adapters/dynamodb/boards-store';
import { Table } from '../../lib/adapters/dynamodb/table';
import { tables } from '../../lib/adapters/dynamodb/tables';
import type { FlipGuard } from '../../lib/domain/recompute-run';

/** What a run would have written, had its writes not been stubbed out: items by kind. */
export interface UnwrittenItems {
  accountItems: number;
  explanations: number;
  explanationDeletes: number;
  historyPoints: number;
  boardChunks: number;
  boardFlips: number;
  rankIndexes: number;
  boardDeletes: number;
}

export const noUnwrittenItems = (): UnwrittenItems => ({
  accountItems: 0,
  explanations: 0,
  explanationDeletes: 0,
  historyPoints: 0,
  boardChunks: 0,
  boardFlips: 0,
  rankIndexes: 0,
  boardDeletes: 0,
});

const BOARD_CHUNK_ENTRIES = 100;

/** Account items, explanations and history: reads as they are, writes counted and dropped. */
class UnwrittenAccounts extends AccountsStore {
  constructor(
    table: Table,
    private readonly counted: UnwrittenItems,
  ) {
    super(table);
  }
  override async applyAccountChanges(changes: readonly AccountChange[]): Promise<void> {
    this.counted.accountItems += changes.length;
  }
  override async writeExplanations(explanations: readonly StoredExplanation[]): Promise<void> {
    this.counted.explanations += explanations.length;
  }
  override async deleteExplanations(explanations: readonly { network: string; id: string; topic: string }[]): Promise<void> {
    this.counted.explanationDeletes += explanations.length;
  }
  override async writeHistory(_day: string, points: readonly unknown[]): Promise<void> {
    this.counted.historyPoints += points.length;
  }
  override async deleteTraces(): Promise<void> {}
}

/** Boards and rank indexes: nothing is written, so every board reads as never computed. */
class UnwrittenBoards extends BoardsStore {
  constructor(
    table: Table,
    private readonly counted: UnwrittenItems,
  ) {
    super(table);
  }
  override async writeBoards(writes: readonly BoardWrite[]): Promise<void> {
    for (const { entries, reused = new Set() } of writes) this.counted.boardChunks += Math.ceil(entries.length / BOARD_CHUNK_ENTRIES) - reused.size;
  }
  override async flipBoard(_board: string, _pointer: BoardPointer, _guard: FlipGuard): Promise<FlippedBoard> {
    this.counted.boardFlips++;
    return { replaced: null, unreferenced: [] };
  }
  override async flipBoards(flips: readonly BoardFlip[]): Promise<FlippedBoard[]> {
    this.counted.boardFlips += flips.length;
    return flips.map(() => ({ replaced: null, unreferenced: [] }));
  }
  override async deleteChunksOfBoards(list: readonly { refs: readonly BoardChunkRef[] }[]): Promise<void> {
    for (const { refs } of list) this.counted.boardDeletes += refs.length;
  }
  override async deleteBoard(): Promise<void> {
    this.counted.boardDeletes++;
  }
  override async writeRankCountsOfTopics(list: readonly unknown[]): Promise<void> {
    this.counted.rankIndexes += list.length;
  }
  override async deleteRankCounts(): Promise<void> {
    this.counted.rankIndexes++;
  }
}

/**
 * The stores over `table` with a run's result writes (accounts, explanations, history, boards,
 * rank indexes) stubbed out. The run's own bookkeeping (run record, lock and lease), opt-out reads
 * and dedupe keys stay real: a handful of items a run.
 */
export const storesWithoutResultWrites = (table: Table): { stores: Stores; unwritten: UnwrittenItems } => {
  const unwritten = noUnwrittenItems();
  return { stores: { ...storesOver(table), accounts: new UnwrittenAccounts(table, unwritten), boards: new UnwrittenBoards(table, unwritten) }, unwritten };
};

/** A table of its own in the bench's DynamoDB Local, shaped as the service's. */
export const freshTable = async (endpoint: string, db: DynamoDBDocumentClient, prefix: string): Promise<Table> => {
  const client = new DynamoDBClient(dynamoDbLocalConfig(endpoint));
  const localName = `${prefix}-${randomUUID().slice(0, 8)}`;
  await createTables(client, [{ ...tables.main, localName }]);
  client.destroy();
  return new Table(db, localName);
};

/** An object store folder holding a copy of another's log (not its state): a run there starts from nothing. */
export const folderWithLogOf = (source: string, target: string): string => {
  mkdirSync(target, { recursive: true });
  cpSync(join(source, 'log'), join(target, 'log'), { recursive: true });
  return target;
};

/** Files and bytes under a folder. */
export const folderSize = (folder: string): { files: number; bytes: number } => {
  let files = 0;
  let bytes = 0;
  const walk = (directory: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        files++;
        bytes += statSync(path).size;
      }
    }
  };
  walk(folder);
  return { files, bytes };
};
