import type { IngestResult, Interaction } from '../interactions/schema';
import { accountKey } from '../interactions/schema';
import type { QueuedInteractions } from '../interactions/queued';
import { MAX_MESSAGE_BYTES, type MessageQueue } from '../queue/message-queue';
import { queues } from '../workers';

export interface IngestPorts {
  queue: Pick<MessageQueue, 'send'>;
  /** `network:id` keys of the interactions that were applied before. */
  appliedInteractions(refs: { network: string; id: string }[]): Promise<Set<string>>;
}

const MAX_INTERACTIONS_PER_MESSAGE = 100;

/**
 * Accepts valid interactions: drops those seen before (in this delivery or already applied),
 * queues the rest durably and says how many of each. Applying happens behind the queue.
 */
export const ingestInteractions = async (
  interactions: Interaction[],
  ports: IngestPorts,
  receivedAt: Date,
  ignored = 0,
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
  await ports.queue.send(queues.interactions.name, toMessages(toQueue, receivedAt.toISOString()));
  return { accepted: toQueue.length, duplicates: interactions.length - toQueue.length, ignored };
};

/** Splits interactions into queue messages below the message size limit. */
export const toMessages = (interactions: Interaction[], receivedAt: string): string[] => {
  const messages: string[] = [];
  let current: Interaction[] = [];
  let currentBytes = 0;
  const flush = () => {
    if (current.length === 0) return;
    const message: QueuedInteractions = { receivedAt, interactions: current };
    messages.push(JSON.stringify(message));
    current = [];
    currentBytes = 0;
  };
  for (const interaction of interactions) {
    const bytes = Buffer.byteLength(JSON.stringify(interaction)) + 1;
    if (current.length >= MAX_INTERACTIONS_PER_MESSAGE || currentBytes + bytes > MAX_MESSAGE_BYTES - 100) flush();
    current.push(interaction);
    currentBytes += bytes;
  }
  flush();
  return messages;
};
