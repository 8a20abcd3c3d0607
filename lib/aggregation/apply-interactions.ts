import { accountKey, type Interaction } from '../interactions/schema';
import type { QueuedInteractions } from '../interactions/queued';
import { topicsOf } from '../topics/extract';

export interface ApplyPorts {
  /** Which of these accounts (`network:id`) opted out. */
  optedOutAmong(accounts: string[]): Promise<Set<string>>;
  registerTopics(topics: string[]): Promise<void>;
  contentTopics(network: string, contentId: string): Promise<string[]>;
  rememberContentTopics(network: string, contentId: string, topics: string[], occurredAt: string): Promise<void>;
  applyInteraction(interaction: Interaction, topics: string[], appliedAt: string): Promise<'applied' | 'duplicate'>;
  retractInteraction(network: string, id: string, retractedAt: string): Promise<'retracted' | 'tombstoned' | 'unchanged'>;
  retractContent(network: string, contentId: string, retractedAt: string): Promise<number>;
}

export interface ApplySummary {
  applied: number;
  duplicates: number;
  /** Interactions involving an account that opted out: dropped. */
  dropped: number;
  /** Interactions taken back out by the message's retractions. */
  retracted: number;
}

/**
 * Applies one queued message. Safe to repeat after a failure at any point: topics and content
 * topics are idempotent puts, each interaction is applied at most once by the store, and each
 * retraction takes an interaction out at most once.
 */
export const applyQueuedInteractions = async (
  message: QueuedInteractions,
  ports: ApplyPorts,
  appliedAt: Date,
): Promise<ApplySummary> => {
  const involved = (interaction: Interaction) => [
    accountKey(interaction.network, interaction.actor.id),
    ...(interaction.target ? [accountKey(interaction.network, interaction.target.id)] : []),
  ];
  const optedOut = await ports.optedOutAmong(message.interactions.flatMap(involved));
  const kept = message.interactions.filter((interaction) => !involved(interaction).some((account) => optedOut.has(account)));

  const resolved: { interaction: Interaction; topics: string[] }[] = [];
  for (const interaction of kept) {
    resolved.push({ interaction, topics: await resolveTopics(interaction, ports) });
    const own = topicsOf(interaction);
    if (interaction.contentId && own.length > 0) {
      await ports.rememberContentTopics(interaction.network, interaction.contentId, own, interaction.occurredAt);
    }
  }
  // The registry lists the topics a recompute visits; registering before applying means no applied
  // interaction is ever in a topic that the recompute does not know.
  await ports.registerTopics(resolved.flatMap(({ topics }) => topics));

  const summary: ApplySummary = { applied: 0, duplicates: 0, dropped: message.interactions.length - kept.length, retracted: 0 };
  for (const { interaction, topics } of resolved) {
    const outcome = await ports.applyInteraction(interaction, topics, appliedAt.toISOString());
    summary[outcome === 'applied' ? 'applied' : 'duplicates']++;
  }
  for (const retraction of message.retractions ?? []) {
    if (retraction.kind === 'interaction') {
      const outcome = await ports.retractInteraction(retraction.network, retraction.id, retraction.retractedAt);
      if (outcome === 'retracted') summary.retracted++;
    } else {
      summary.retracted += await ports.retractContent(retraction.network, retraction.contentId, retraction.retractedAt);
    }
  }
  return summary;
};

/** Its own topics and hashtags; a reaction without any inherits those of the content it engages with. */
const resolveTopics = async (interaction: Interaction, ports: ApplyPorts): Promise<string[]> => {
  const own = topicsOf(interaction);
  if (own.length > 0 || !interaction.parentContentId) return own;
  return ports.contentTopics(interaction.network, interaction.parentContentId);
};
