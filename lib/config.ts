/**
 * Environment variables the functions read. CDK sets them in AWS; the local runtime sets them
 * in-process. Named once here so both sides agree.
 */
import { queues, type QueueName } from './workers';
import { tables } from './store/tables';

export const env = {
  tableName: tables.main.envVar,
  localQueueTable: tables.localQueue.envVar,
  /** ARN of the Secrets Manager secret holding the webhook secrets as JSON (AWS only). */
  secretsArn: 'SWAY_SECRETS_ARN',
  dynamodbEndpoint: 'SWAY_DYNAMODB_ENDPOINT',
  adminToken: 'SWAY_ADMIN_TOKEN',
  /** Locally: accepted `x-api-key` values for lookups, a comma list; empty = lookups open. */
  apiKeys: 'SWAY_API_KEYS',
  /** In AWS: ARN of the `sway/api-keys` secret, JSON `{"keys": "k1,k2"}`; empty keys = lookups open. */
  apiKeysSecretArn: 'SWAY_API_KEYS_SECRET_ARN',
  /** Lookups per second each API key may make before 429 (default 50), per process. */
  apiKeyRate: 'SWAY_API_KEY_RATE',
  /** Bluesky Jetstream WebSocket URL; unset = Bluesky consumer off. */
  jetstreamUrl: 'SWAY_JETSTREAM_URL',
  /** The Bluesky accounts to follow, a comma list of DIDs (Jetstream's `wantedDids`); unset = every account. */
  jetstreamWantedDids: 'SWAY_JETSTREAM_WANTED_DIDS',
  /** How long one run of the Bluesky consumer reads (default `jetstreamSchedule.readSeconds`). */
  jetstreamReadSeconds: 'SWAY_JETSTREAM_READ_SECONDS',
  /** In AWS: ARN of the recompute's Step Functions state machine, whose executions are the runs (their names the run ids). */
  stateMachineArn: 'SWAY_STATE_MACHINE_ARN',
} as const;

/** `SWAY_QUEUE_URL_INTERACTIONS`, `SWAY_DLQ_URL_RECOMPUTE_REQUESTS`, … */
export const queueUrlEnvVar = (queue: QueueName, deadLetter = false): string =>
  `SWAY_${deadLetter ? 'DLQ' : 'QUEUE'}_URL_${queue.toUpperCase().replace(/-/g, '_')}`;

export const allQueueNames = (): QueueName[] => Object.values(queues).map((queue) => queue.name);

/**
 * Secrets, by the key they have in the Secrets Manager JSON secret and the environment variable
 * that carries them locally (CONTRACT §1).
 */
export const secretEnvVars = {
  generic: 'SWAY_SECRET_GENERIC',
  x: 'SWAY_SECRET_X',
  meta: 'SWAY_SECRET_META',
  metaVerifyToken: 'SWAY_META_VERIFY_TOKEN',
  slack: 'SWAY_SECRET_SLACK',
  mastodon: 'SWAY_SECRET_MASTODON',
  github: 'SWAY_SECRET_GITHUB',
  discourse: 'SWAY_SECRET_DISCOURSE',
} as const;
export type SecretName = keyof typeof secretEnvVars;

export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
};
