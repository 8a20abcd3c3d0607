/**
 * The adapters a function needs, built once per process from the environment: SQS, S3 and Step
 * Functions in AWS; the DynamoDB-backed local queue, a folder and the local orchestrator on one machine.
 */
import { env, requireEnv } from '../config';
import { objectStoreEnv } from '../log/layout';
import { FolderObjectStore, type ObjectStore } from '../log/object-store';
import { S3ObjectStore } from '../log/s3-object-store';
import { LocalQueue } from '../queue/local-queue';
import type { MessageQueue } from '../queue/message-queue';
import { SqsQueue } from '../queue/sqs-queue';
import { AccountsStore } from '../store/accounts-store';
import { BoardsStore } from '../store/boards-store';
import { ConsentStore } from '../store/consent-store';
import { documentClient } from '../store/dynamodb-client';
import { IngestStore } from '../store/ingest-store';
import { ProfilesStore } from '../store/profiles-store';
import { RunsStore } from '../store/runs-store';
import { Table } from '../store/table';

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
  if (!queue) {
    const localQueueTable = process.env[env.localQueueTable];
    queue = localQueueTable ? new LocalQueue(documentClient(), localQueueTable) : new SqsQueue();
  }
  return queue;
};

/** The local runtime hands its own queue instance in, so a send wakes its consumer at once. */
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
