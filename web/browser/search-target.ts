import { NETWORK_PATTERN } from '../../lib/domain/interactions/patterns';
import { toTopicSlug } from '../../lib/domain/topics/extract';
import { accountHref, topicHref } from './format';

/**
 * Where the search box goes: `network:handle` (or `network:id`) to an account page, anything else
 * to the topic page of its slug — the slug Sway makes of a hashtag (`#Like_This` → `like-this`).
 */
export const searchTarget = (query: string): { href: string } | { error: string } => {
  const text = query.trim();
  if (!text) return { error: 'Type a topic, such as astronomy, or an account as network:handle, such as x:alice.' };
  const account = /^([^:\s]+):\s*@?(\S.*)$/.exec(text);
  if (account) {
    const network = account[1]!.toLowerCase();
    if (!NETWORK_PATTERN.test(network)) return { error: `“${account[1]}” is not a network name (letters, digits and dashes).` };
    return { href: accountHref(network, account[2]!.trim()) };
  }
  const topic = toTopicSlug(text.replace(/^#/, ''));
  if (!topic) return { error: `“${text}” is not a topic: topics are words of letters, digits and dashes.` };
  return { href: topicHref(topic) };
};
