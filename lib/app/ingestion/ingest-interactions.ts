import type { IngestResult, Interaction } from '../../domain/interactions/schema';
import { accountKey } from '../../domain/interactions/schema';
import type { HandleClaim, QueuedInteractions } from '../../domain/interactions/queued';
import type { Retraction } from '../../domain/interactions/retraction';
import { MAX_MESSAGE_BYTES, type MessageQueue } from '../../adapters/queue/message-queue';
import { queues } from '../../wiring/workers';

export interface IngestPorts {
  queue: Pick<MessageQueue, 'send'>;
  /** `network:id` keys of the interactions that were applied before. */
  appliedInteractions(refs: { network: string; id: string }[]): Promise<Set<string>>;
}

const MAX_INTERACTIONS_PER_MESSAGE = 100;

/** What a delivery brings besides interactions. */
export interface Alongside {
  /** Provider events that carry nothing Sway keeps: counted, not queued. */
  ignored?: number;
  /** Deletes, un-likes: queued as they are, counted as accepted. */
  retractions?: Retraction[];
  /** Handles accounts published for themselves: queued, counted as accepted. */
  handles?: HandleClaim[];
}

/**
 * Accepts valid interactions: drops those seen before (in this delivery or already applied),
 * queues the rest durably and says how many of each. Applying happens behind the queue.
 */
export const ingestInteractions = async (
  interactions: Interaction[],
  ports: IngestPorts,
  receivedAt: Date,
  { ignored = 0, retractions = [], handles = [] }: Alongside = {},
): Promise<IngestResult> => {
  const seen = new Set<string>();
  const fresh: Interaction[] = [];
  for (const interaction of interactions) {
    const key = accountKey(interaction.network, interaction.id);
    if (seen.has(key)) continue;
    seen.add(key);
    fresh.push(interaction);
  }
  const applied = await ports.appliedInteractions(fresh);
  const toQueue = fresh.filter((interaction) => !applied.has(accountKey(interaction.network, interaction.id)));
  await ports.queue.send(queues.interactions.name, toMessages(toQueue, receivedAt.toISOString(), { retractions, handles }));
  return { accepted: toQueue.length + retractions.length + handles.length, duplicates: interactions.length - toQueue.length, ignored };
};

/**
 * Splits interactions into queue messages below the message size limit; retractions and handle
 * claims travel in messages of their own, since the apply step does not depend on their order.
 */
export const toMessages = (
  interactions: Interaction[],
  receivedAt: string,
  { retractions = [], handles = [] }: Pick<Alongside, 'retractions' | 'handles'> = {},
): string[] => {
  const messages: string[] = [];
  const pack = <T>(items: T[], message: (slice: T[]) => QueuedInteractions) => {
    let current: T[] = [];
    let currentBytes = 0;
    const flush = () => {
      if (current.length === 0) return;
      messages.push(JSON.stringify(message(current)));
      current = [];
      currentBytes = 0;
    };
    for (const item of items) {
      const bytes = Buffer.byteLength(JSON.stringify(item)) + 1;
      if (current.length >= MAX_INTERACTIONS_PER_MESSAGE || currentBytes + bytes > MAX_MESSAGE_BYTES - 100) flush();
      current.push(item);
      currentBytes += bytes;
    }
    flush();
  };
  pack(interactions, (slice) => ({ receivedAt, interactions: slice }));
  pack(retractions, (slice) => ({ receivedAt, interactions: [], retractions: slice }));
  pack(handles, (slice) => ({ receivedAt, interactions: [], handles: slice }));
  return messages;
};
