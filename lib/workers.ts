/**
 * Background work, defined once for the CDK stacks and the local runtime: the queues that feed
 * functions, and the schedules (recompute, Bluesky consumer).
 */
export interface QueueDefinition {
  /** Logical name; locally the partition of the local queue table, in AWS part of the queue's id. */
  name: string;
  /** File name in functions/ that consumes the queue. */
  consumer: string;
  /** Files in functions/ that send to the queue. */
  producers: readonly string[];
  batchSize: number;
  /** Deliveries before a message goes to the dead-letter store. */
  maxReceiveCount: number;
  /** How long the consumer may run on one batch: its function's timeout in AWS and locally. */
  consumerTimeoutSeconds: number;
  /** At least `visibilityTimeoutPerConsumerTimeout` times `consumerTimeoutSeconds`. */
  visibilityTimeoutSeconds: number;
  /** How many batches the consumer may process at once. */
  maxConcurrency: number;
}

/**
 * AWS's rule for queues that feed Lambda: a visibility timeout of at least six times the function's
 * timeout, so Lambda can retry a batch it was throttled on before the message shows up again.
 */
export const visibilityTimeoutPerConsumerTimeout = 6;

const APPLY_TIMEOUT_SECONDS = 30;
/** The recompute function's timeout, whether the queue or the schedule invokes it. */
const RECOMPUTE_TIMEOUT_SECONDS = 900;

export const queues = {
  interactions: {
    name: 'interactions',
    consumer: 'apply-interactions',
    producers: [
      'ingest-interactions',
      'consume-jetstream',
      'webhook-x',
      'webhook-meta',
      'webhook-slack',
      'webhook-mastodon',
      'webhook-github',
      'webhook-discourse',
      // What the store refuses on its own goes back on the queue alone (functions/apply-interactions.ts).
      'apply-interactions',
    ],
    batchSize: 10,
    maxReceiveCount: 5,
    consumerTimeoutSeconds: APPLY_TIMEOUT_SECONDS,
    visibilityTimeoutSeconds: visibilityTimeoutPerConsumerTimeout * APPLY_TIMEOUT_SECONDS,
    maxConcurrency: 4,
  },
  recomputeRequests: {
    name: 'recompute-requests',
    consumer: 'recompute',
    producers: ['start-recompute'],
    batchSize: 1,
    // A request received while another run holds the lock is received again later: locally after
    // back-offs that add up to about 2 minutes over these receives — as long as a lease, so a run
    // that died holding the lock does not strand it. In AWS the function runs one at a time, so
    // only a dead run's lease can refuse a request, which comes back after the visibility timeout.
    maxReceiveCount: 10,
    consumerTimeoutSeconds: RECOMPUTE_TIMEOUT_SECONDS,
    visibilityTimeoutSeconds: visibilityTimeoutPerConsumerTimeout * RECOMPUTE_TIMEOUT_SECONDS,
    maxConcurrency: 1,
  },
} as const satisfies Record<string, QueueDefinition>;

export type QueueName = (typeof queues)[keyof typeof queues]['name'];

export interface ScheduleDefinition {
  /** The function the schedule invokes. */
  target: string;
  /** In AWS. */
  rateMinutes: number;
  localDefaultIntervalSeconds: number;
  /** How long one invocation may run: the function's timeout in AWS and locally. */
  timeoutSeconds: number;
  /** The event the schedule sends, in AWS and locally. */
  input: { trigger: 'schedule' };
}

export const recomputeSchedule = {
  target: 'recompute',
  /** Locally SWAY_RECOMPUTE_INTERVAL_S (default 60) sets the interval instead. */
  rateMinutes: 5,
  localDefaultIntervalSeconds: 60,
  timeoutSeconds: RECOMPUTE_TIMEOUT_SECONDS,
  input: { trigger: 'schedule' as const },
} as const satisfies ScheduleDefinition;

/**
 * The Bluesky consumer: each invocation reads Jetstream for `readSeconds` (SWAY_JETSTREAM_READ_SECONDS)
 * and resumes where the previous one stopped. Only where SWAY_JETSTREAM_URL is configured.
 */
export const jetstreamSchedule = {
  target: 'consume-jetstream',
  rateMinutes: 1,
  /** Locally a new run starts within seconds of the last one ending: nearly continuous. */
  localDefaultIntervalSeconds: 5,
  readSeconds: 50,
  timeoutSeconds: 60,
  input: { trigger: 'schedule' as const },
} as const satisfies ScheduleDefinition & { readSeconds: number };
