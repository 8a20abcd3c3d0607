import type { QueueName } from '../../wiring/workers';

export interface QueueDepth {
  /** Messages waiting or in flight: work not yet applied. */
  pending: number;
  deadLetters: number;
}

/**
 * Dead letters put back on their queue: `moved` at once (the local queue), or a move `started`
 * that SQS carries out in the background for about `messages` messages (the API answers it as it
 * is: RedriveResultSchema of lib/app/api/schemas.ts).
 */
export type Redrive = { queue: QueueName; status: 'moved'; messages: number } | { queue: QueueName; status: 'started'; messages: number; taskHandle: string };

/** The queue between ingestion and the functions behind it: SQS in AWS, a folder locally. */
export interface MessageQueue {
  /** Resolves once every body is durably stored. */
  send(queue: QueueName, bodies: string[]): Promise<void>;
  depth(queue: QueueName): Promise<QueueDepth>;
  /** Moves the queue's dead letters back onto it, to be received again with a fresh receive count. */
  redrive(queue: QueueName): Promise<Redrive>;
  /** The queues there are: in AWS not those that exist only on one machine. */
  queueNames(): QueueName[];
}

/** SQS's own limit is 1 MiB per message and per batch; staying well below leaves room for attributes. */
export const MAX_MESSAGE_BYTES = 200 * 1024;
