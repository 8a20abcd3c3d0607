import type { Interaction } from '../interactions/schema';
import { topicsOf } from '../topics/extract';
import type { ResolvedInteraction } from './write-plan';

export interface ContentRef {
  network: string;
  contentId: string;
}

/** A piece of content's topics, remembered so that reactions to it without topics inherit them. */
export interface ContentTopics extends ContentRef {
  topics: string[];
  occurredAt: string;
}

export const contentKey = (network: string, contentId: string): string => `${network}:${contentId}`;

const inheritsTopics = (interaction: Interaction): interaction is Interaction & { parentContentId: string } =>
  interaction.parentContentId !== undefined && topicsOf(interaction).length === 0;

/** The content whose stored topics a message needs: what its reactions without topics of their own engage with. */
export const parentsToLookUp = (interactions: Interaction[]): ContentRef[] => {
  const parents = new Map<string, ContentRef>();
  for (const interaction of interactions.filter(inheritsTopics)) {
    parents.set(contentKey(interaction.network, interaction.parentContentId), { network: interaction.network, contentId: interaction.parentContentId });
  }
  return [...parents.values()];
};

/**
 * Each interaction's topics: its own topics and hashtags, or else those of the content it engages
 * with — as remembered by an earlier interaction of the same message, or else as stored. Also the
 * content topics the message teaches (the last word per content), to remember for later reactions.
 */
export const resolveTopics = (
  interactions: Interaction[],
  stored: Map<string, string[]>,
): { resolved: ResolvedInteraction[]; remembered: ContentTopics[] } => {
  const learned = new Map<string, ContentTopics>();
  const resolved = interactions.map((interaction) => {
    const own = topicsOf(interaction);
    let topics = own;
    if (inheritsTopics(interaction)) {
      const parent = contentKey(interaction.network, interaction.parentContentId);
      topics = learned.get(parent)?.topics ?? stored.get(parent) ?? [];
    }
    if (interaction.contentId && own.length > 0) {
      const key = contentKey(interaction.network, interaction.contentId);
      learned.set(key, { network: interaction.network, contentId: interaction.contentId, topics: own, occurredAt: interaction.occurredAt });
    }
    return { interaction, topics };
  });
  return { resolved, remembered: [...learned.values()] };
};
