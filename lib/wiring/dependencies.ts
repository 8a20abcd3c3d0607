/**
 * The ports a function is built from (`Dependencies`), and the default wiring of a deployed
 * function: each port built once per process from the environment Lambda gives it (DynamoDB,
 * SQS, S3 and Secrets Manager). A function file exports `createHandler(dependencies)` and the
 * `handler` it makes from these defaults; the local runtime and the tests build their own
 * (infra/local/local-dependencies.ts) and hand them to `createHandler`.
 */
import { env, requireEnv, settingsFrom, type Settings } from './config';
import { objectStoreEnv } from '../app/log/layout';
import { FolderObjectStore, type ObjectStore } from '../adapters/object-store/object-store';
import { S3ObjectStore } from '../adapters/object-store/s3-object-store';
import type { MessageQueue } from '../adapters/queue/message-queue';
import { SqsQueue } from '../adapters/queue/sqs-queue';
import type { SecretSource } from '../adapters/secrets/secrets';
import { AccountsStore } from '../adapters/dynamodb/accounts-store';
import { BoardsStore } from '../adapters/dynamodb/boards-store';
import { ConsentStore } from '../adapters/dynamodb/consent-store';
import { documentClient } from '../adapters/dynamodb/dynamodb-client';
import { IngestStore } from '../adapters/dynamodb/ingest-store';
import { LookupRateStore } from '../adapters/dynamodb/lookup-rate-store';
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
  lookupRates: LookupRateStore;
}

/** Everything a function may be built from; each function takes the part it uses (`Pick<Dependencies, …>`). */
export interface Dependencies {
  stores: () => Stores;
  messageQueue: () => MessageQueue;
  /** The interaction log and the recompute's state. */
  objectStore: () => ObjectStore;
  secrets: SecretSource;
  settings: () => Settings;
}

/** Every store over one table. */
export const storesOver = (table: Table): Stores => ({
  ingest: new IngestStore(table),
  consent: new ConsentStore(table),
  accounts: new AccountsStore(table),
  boards: new BoardsStore(table),
  runs: new RunsStore(table),
  profiles: new ProfilesStore(table),
  lookupRates: new LookupRateStore(table),
});

/** A value built on first use and kept for the life of the process. */
const once = <T>(build: () => T): (() => T) => {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
};

// The defaults, each its own export so a function's bundle carries only the adapters it names (the
// annotations tell the bundler that building an unused one has no effect, so it drops it). The
// secrets' default is in ./secrets.ts: the Secrets Manager client it imports cannot be dropped.
export const stores = /* @__PURE__ */ once(() => storesOver(new Table(documentClient(), requireEnv(env.tableName))));
export const messageQueue = /* @__PURE__ */ once((): MessageQueue => new SqsQueue());
/** The bucket in AWS; a folder when only SWAY_LOG_DIR is set (the kill -9 test's setup, which runs the default wiring). */
export const objectStore = /* @__PURE__ */ once((): ObjectStore => {
  const bucket = process.env[objectStoreEnv.bucket];
  return bucket ? new S3ObjectStore(bucket) : new FolderObjectStore(requireEnv(objectStoreEnv.directory));
});
export const settings = /* @__PURE__ */ once(() => settingsFrom(process.env));

/** What a function serving lookups needs besides its own ports: the API keys, their rate, and the count in the table. */
export type LookupDependencies = Pick<Dependencies, 'stores' | 'secrets' | 'settings'>;
