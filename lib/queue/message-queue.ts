import type { QueueName } from '../workers';

export interface QueueDepth {
  /** Messages waiting or in flight: work not yet applied. */
  pending: number;
  deadLetters: number;
}

/** The queue between ingestion and the functions behind it: SQS in AWS, a DynamoDB-backed queue locally. */
export interface MessageQueue {
  /** Resolves once every body is durably stored. */
  send(queue: QueueName, bodies: string[]): Promise<void>;
  depth(queue: QueueName): Promise<QueueDepth>;
}

/** SQS's own limit is 1 MiB per message and per batch; staying well below leaves room for attributes. */
export const MAX_MESSAGE_BYTES = 200 * 1024;
