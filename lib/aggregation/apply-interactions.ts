import type { Interaction } from '../interactions/schema';
import type { QueuedInteractions } from '../interactions/queued';
import { topicsOf } from '../topics/extract';

export interface ApplyPorts {
  registerTopics(topics: string[]): Promise<void>;
  contentTopics(network: string, contentId: string): Promise<string[]>;
  rememberContentTopics(network: string, contentId: string, topics: string[], occurredAt: string): Promise<void>;
  applyInteraction(interaction: Interaction, topics: string[], appliedAt: string): Promise<'applied' | 'duplicate'>;
}

export interface ApplySummary {
  applied: number;
  duplicates: number;
}

/**
 * Applies one queued message. Safe to repeat after a failure at any point: topics and content
 * topics are idempotent puts, and each interaction is applied at most once by the store.
 */
export const applyQueuedInteractions = async (
  message: QueuedInteractions,
  ports: ApplyPorts,
  appliedAt: Date,
): Promise<ApplySummary> => {
  const resolved: { interaction: Interaction; topics: string[] }[] = [];
  for (const interaction of message.interactions) {
    resolved.push({ interaction, topics: await resolveTopics(interaction, ports) });
    const own = topicsOf(interaction);
    if (interaction.contentId && own.length > 0) {
      await ports.rememberContentTopics(interaction.network, interaction.contentId, own, interaction.occurredAt);
    }
  }
  // The registry lists the topics a recompute visits; registering before applying means no applied
  // interaction is ever in a topic that the recompute does not know.
  await ports.registerTopics(resolved.flatMap(({ topics }) => topics));

  const summary: ApplySummary = { applied: 0, duplicates: 0 };
  for (const { interaction, topics } of resolved) {
    const outcome = await ports.applyInteraction(interaction, topics, appliedAt.toISOString());
    summary[outcome === 'applied' ? 'applied' : 'duplicates']++;
  }
  return summary;
};

/** Its own topics and hashtags; a reaction without any inherits those of the content it engages with. */
const resolveTopics = async (interaction: Interaction, ports: ApplyPorts): Promise<string[]> => {
  const own = topicsOf(interaction);
  if (own.length > 0 || !interaction.parentContentId) return own;
  return ports.contentTopics(interaction.network, interaction.parentContentId);
};
