import { decode } from 'html-entities';
import type { Interaction } from '../../interactions/schema';
import { account, canonicalText, ignoredEvents, optional, topicSlugs, type Normalized } from '../normalized';
import type { AnyStatus, MastodonAccount, MastodonWebhook, Status } from './schema';

const NETWORK = 'mastodon';
/** Followers-only and direct statuses are not public: they are never scored. */
const PUBLIC_VISIBILITIES = new Set(['public', 'unlisted']);

/** Mastodon's status HTML as plain text: paragraphs and line breaks become newlines. */
export const statusText = (html: string | null | undefined): string | undefined => {
  if (!html) return undefined;
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
    .replace(/<[^>]*>/g, '');
  return canonicalText(decode(text).trim());
};

const who = (person: MastodonAccount) => account(person.id, person.acct ?? person.username);
const tagTopics = (status: AnyStatus) => topicSlugs((status.tags ?? []).map((tag) => tag.name));

/**
 * A status: a reblog is a share, a quote a quote, a reply to someone else a reply, anything else a
 * post; every other account it mentions is a mention. `status.updated` (an edit) maps to the same
 * ids as the original, so it counts once; Mastodon sends no webhook for deletions.
 */
const fromStatus = (status: Status): Normalized => {
  if (!PUBLIC_VISIBILITIES.has(status.visibility ?? 'public')) return ignoredEvents();
  const base = { network: NETWORK, actor: who(status.account), contentId: status.id, occurredAt: status.created_at };
  if (status.reblog) {
    const share: Interaction = {
      ...base,
      id: status.id,
      type: 'share',
      target: who(status.reblog.account),
      parentContentId: status.reblog.id,
      ...optional('topics', tagTopics(status.reblog)),
    };
    return { interactions: [share], retractions: [], ignored: 0 };
  }
  const topics = tagTopics(status);
  const text = statusText([status.spoiler_text, status.content].filter(Boolean).join('\n\n'));
  const own = { ...base, id: status.id, ...optional('text', text), ...optional('topics', topics) };
  const quoted = status.quote?.quoted_status;
  const repliedTo = status.in_reply_to_account_id;
  let primary: Interaction;
  if (quoted) {
    primary = { ...own, type: 'quote', target: who(quoted.account), parentContentId: quoted.id };
  } else if (status.in_reply_to_id && repliedTo && repliedTo !== status.account.id) {
    const named = status.mentions?.find((mention) => mention.id === repliedTo);
    primary = { ...own, type: 'reply', target: named ? who(named) : account(repliedTo), parentContentId: status.in_reply_to_id };
  } else {
    primary = { ...own, type: 'post' };
  }
  const seen = new Set([status.account.id, primary.target?.id]);
  const mentions: Interaction[] = [];
  for (const mention of status.mentions ?? []) {
    if (seen.has(mention.id)) continue;
    seen.add(mention.id);
    mentions.push({ ...base, id: `${status.id}:mention:${mention.id}`, type: 'mention', target: who(mention), ...optional('topics', topics) });
  }
  return { interactions: [primary, ...mentions], retractions: [], ignored: 0 };
};

export const normalizeMastodon = (delivery: MastodonWebhook): Normalized => (delivery.kind === 'status' ? fromStatus(delivery.status) : ignoredEvents());
