import { MAX_TOPICS_PER_INTERACTION, TOPIC_PATTERN } from '../interactions/patterns';

const HASHTAG = /(?:^|[^\p{L}\p{N}_&#])#([\p{L}\p{N}_][\p{L}\p{N}_-]*)/gu;

/** Turns free text (a hashtag, a channel or category name) into a topic slug, or null if nothing is left. */
export const toTopicSlug = (raw: string): string | null => {
  const slug = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return TOPIC_PATTERN.test(slug) ? slug : null;
};

export const hashtagTopics = (text: string | undefined): string[] => {
  if (!text) return [];
  const topics: string[] = [];
  for (const match of text.matchAll(HASHTAG)) {
    const slug = toTopicSlug(match[1] ?? '');
    if (slug) topics.push(slug);
  }
  return topics;
};

/**
 * An interaction's topics (CONTRACT §2): its explicit topics first, then the hashtags of its text in
 * the order they appear, each once, and no more than 20 — the rest are dropped, so no interaction,
 * however many hashtags it holds, weighs more on what it is written to than any other.
 */
export const topicsOf = (interaction: { topics?: string[] | undefined; text?: string | undefined }): string[] =>
  [...new Set([...(interaction.topics ?? []), ...hashtagTopics(interaction.text)])].slice(0, MAX_TOPICS_PER_INTERACTION);
