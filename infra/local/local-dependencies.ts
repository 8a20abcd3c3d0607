import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FolderObjectStore } from '../../lib/adapters/object-store/object-store';
import type { MessageQueue } from '../../lib/adapters/queue/message-queue';
import { secretsFrom } from '../../lib/adapters/secrets/secrets';
import { Table } from '../../lib/adapters/dynamodb/table';
import { settingsFrom } from '../../lib/wiring/config';
import { storesOver, type Dependencies } from '../../lib/wiring/dependencies';

export interface LocalDependencyOptions {
  /** A document client on DynamoDB Local. */
  db: DynamoDBDocumentClient;
  tableName: string;
  /** The local queue (lib/dev/local-queue.ts), or a stand-in of a test or benchmark. */
  queue: MessageQueue;
  /** The folder that holds the interaction log and the recompute's state. */
  logDir: string;
  /**
   * Secrets and settings by the names a deployed function reads (`SWAY_SECRET_GENERIC`,
   * `SWAY_API_KEYS`, …): values, never ARNs. Read at each use, so a test may rotate a secret in place.
   */
  variables: Readonly<Record<string, string | undefined>>;
}

/** What `npm start`, the in-process tests and the benchmarks build the handlers from, in place of a deployed function's environment. */
export const localDependencies = ({ db, tableName, queue, logDir, variables }: LocalDependencyOptions): Dependencies => {
  const stores = storesOver(new Table(db, tableName));
  const objects = new FolderObjectStore(logDir);
  return {
    stores: () => stores,
    messageQueue: () => queue,
    objectStore: () => objects,
    secrets: secretsFrom(variables),
    settings: () => settingsFrom(variables),
  };
};
