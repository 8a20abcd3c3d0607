/**
 * Background work, defined once for the CDK stacks and the local runtime: the queues that feed
 * functions, and the schedules (recompute, Bluesky consumer). In AWS a recompute run is a Step
 * Functions execution (lib/app/recompute/units.ts); what only the local runtime has is marked here.
 */
import { webhookFunctionNames } from '../domain/networks/webhook-networks';
export interface QueueDefinition {
  /** Logical name; locally the local queue's folder, in AWS part of the queue's id. */
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
  /** Only on one machine: AWS has no such queue (nor its dead-letter queue). */
  localOnly?: boolean;
}

/**
 * AWS's rule for queues that feed Lambda: a visibility timeout of at least six times the function's
 * timeout, so Lambda can retry a batch it was throttled on before the message shows up again.
 */
export const visibilityTimeoutPerConsumerTimeout = 6;

const APPLY_TIMEOUT_SECONDS = 30;
/** The local recompute's time, whether the queue or the schedule starts it. */
const RECOMPUTE_TIMEOUT_SECONDS = 900;

export const queues = {
  interactions: {
    name: 'interactions',
    consumer: 'apply-interactions',
    producers: ['ingest-interactions', 'consume-jetstream', ...webhookFunctionNames()],
    batchSize: 10,
    maxReceiveCount: 5,
    consumerTimeoutSeconds: APPLY_TIMEOUT_SECONDS,
    visibilityTimeoutSeconds: visibilityTimeoutPerConsumerTimeout * APPLY_TIMEOUT_SECONDS,
    maxConcurrency: 4,
  },
  /**
   * Feeds the local orchestrator. In AWS `POST /v1/admin/recompute` starts an execution of the
   * recompute state machine instead, which waits for a running one by retrying its prepare.
   */
  recomputeRequests: {
    name: 'recompute-requests',
    consumer: 'recompute',
    producers: ['start-recompute'],
    batchSize: 1,
    // A request received while another run holds the lock is received again later, after
    // back-offs that add up to about 2 minutes over these receives — as long as a lease, so a run
    // that died holding the lock does not strand it.
    maxReceiveCount: 10,
    consumerTimeoutSeconds: RECOMPUTE_TIMEOUT_SECONDS,
    visibilityTimeoutSeconds: visibilityTimeoutPerConsumerTimeout * RECOMPUTE_TIMEOUT_SECONDS,
    maxConcurrency: 1,
    localOnly: true,
  },
} as const satisfies Record<string, QueueDefinition>;

export type QueueName = (typeof queues)[keyof typeof queues]['name'];

/** The queues AWS has (each with its dead-letter queue): every queue not marked `localOnly`. */
export type AwsQueueName = Exclude<(typeof queues)[keyof typeof queues], { localOnly: true }>['name'];

/** The queue definitions that are deployed to AWS. */
export const awsQueues = (): QueueDefinition[] => (Object.values(queues) as readonly QueueDefinition[]).filter((queue) => !queue.localOnly);

export interface ScheduleDefinition {
  /** The function the schedule invokes (for the recompute: on one machine only, see `recomputeSchedule`). */
  target: string;
  /** In AWS. */
  rateMinutes: number;
  localDefaultIntervalSeconds: number;
  /** How long one invocation may run: the function's timeout in AWS and locally. */
  timeoutSeconds: number;
  /** The event the schedule sends, in AWS and locally. */
  input: { trigger: 'schedule' };
}

/**
 * Locally the timer runs the `recompute` function (the local orchestrator); in AWS the schedule
 * starts an execution of the recompute state machine with the same input, every `rateMinutes`.
 */
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

/**
 * Files in functions/ that only the local runtime runs, never deployed: the consumers of local-only
 * queues and the local recompute, which AWS replaces by the recompute state machine's units
 * (`recomputeUnits` in lib/app/recompute/units.ts).
 */
export const localOnlyFunctions: ReadonlySet<string> = new Set([
  ...(Object.values(queues) as readonly QueueDefinition[]).filter((queue) => queue.localOnly).map((queue) => queue.consumer),
  recomputeSchedule.target,
]);
