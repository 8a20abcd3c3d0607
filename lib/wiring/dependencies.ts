/**
 * The adapters a function needs, built once per process from the environment: SQS, S3 and Step
 * Functions in AWS; a folder and the local orchestrator on one machine, where the local runtime
 * hands in its own queue (lib/dev/local-queue.ts), which nothing deployed imports.
 */
import { env, requireEnv } from './config';
import { objectStoreEnv } from '../app/log/layout';
import { FolderObjectStore, type ObjectStore } from '../adapters/object-store/object-store';
import { S3ObjectStore } from '../adapters/object-store/s3-object-store';
import type { MessageQueue } from '../adapters/queue/message-queue';
import { SqsQueue } from '../adapters/queue/sqs-queue';
import { AccountsStore } from '../adapters/dynamodb/accounts-store';
import { BoardsStore } from '../adapters/dynamodb/boards-store';
import { ConsentStore } from '../adapters/dynamodb/consent-store';
import { documentClient } from '../adapters/dynamodb/dynamodb-client';
import { IngestStore } from '../adapters/dynamodb/ingest-store';
import { ProfilesStore } from '../adapters/dynamodb/profiles-store';
import { RunsStore } from '../adapters/dynamodb/runs-store';
import { Table } from '../adapters/dynamodb/table';

export interface Stores {
  ingest: IngestStore;
  consent: ConsentStore;
  accounts: AccountsStore;
  boards: BoardsStore;
  runs: RunsStore;
  profiles: ProfilesStore;
}

let cachedStores: Stores | undefined;
let queue: MessageQueue | undefined;
let objects: ObjectStore | undefined;

/** Every store over one table. */
export const storesOver = (table: Table): Stores => ({
  ingest: new IngestStore(table),
  consent: new ConsentStore(table),
  accounts: new AccountsStore(table),
  boards: new BoardsStore(table),
  runs: new RunsStore(table),
  profiles: new ProfilesStore(table),
});

export const stores = (): Stores => {
  cachedStores ??= storesOver(new Table(documentClient(), requireEnv(env.tableName)));
  return cachedStores;
};

export const messageQueue = (): MessageQueue => {
  queue ??= new SqsQueue();
  return queue;
};

/** The local runtime hands its own queue in (the DynamoDB-backed local queue), so a send also wakes its consumer at once. */
export const useMessageQueue = (instance: MessageQueue): void => {
  queue = instance;
};

/** The interaction log and the recompute's state: the bucket in AWS, the folder on one machine. */
export const objectStore = (): ObjectStore => {
  if (!objects) {
    const bucket = process.env[objectStoreEnv.bucket];
    objects = bucket ? new S3ObjectStore(bucket) : new FolderObjectStore(requireEnv(objectStoreEnv.directory));
  }
  return objects;
};
