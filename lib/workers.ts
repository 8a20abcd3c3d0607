/**
 * Background work, defined once for the CDK stacks and the local runtime: the queues that feed
 * functions, and the recompute schedule.
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
  visibilityTimeoutSeconds: number;
  /** How many batches the consumer may process at once. */
  maxConcurrency: number;
}

export const queues = {
  interactions: {
    name: 'interactions',
    consumer: 'apply-interactions',
    producers: ['ingest-interactions'],
    batchSize: 10,
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 60,
    maxConcurrency: 4,
  },
  recomputeRequests: {
    name: 'recompute-requests',
    consumer: 'recompute',
    producers: ['start-recompute'],
    batchSize: 1,
    maxReceiveCount: 3,
    visibilityTimeoutSeconds: 900,
    maxConcurrency: 1,
  },
} as const satisfies Record<string, QueueDefinition>;

export type QueueName = (typeof queues)[keyof typeof queues]['name'];

export const recomputeSchedule = {
  /** The function the schedule invokes. */
  target: 'recompute',
  /** In AWS. Locally SWAY_RECOMPUTE_INTERVAL_S (default 60) sets the interval instead. */
  rateMinutes: 5,
  localDefaultIntervalSeconds: 60,
  /** The event the schedule sends, in AWS and locally. */
  input: { trigger: 'schedule' as const },
} as const;
