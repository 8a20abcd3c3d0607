import type { Retraction } from '../../interactions/retraction';
import type { Interaction } from '../../interactions/schema';
import { account, canonicalText, ignoredEvents, optional, topicSlugs, type Normalized } from '../normalized';
import { slackTime, type SlackEvent, type SlackMessage, type SlackRequest } from './schema';

const NETWORK = 'slack';
/** Channels of direct and group direct messages: private conversations are never scored. */
const PRIVATE_CHANNEL_TYPES = new Set(['im', 'mpim']);
/** Message subtypes that are someone writing; joins, topic changes, bots and the like are not. */
const WRITTEN_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share', 'me_message']);
const USER_MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

/** A message's id in Sway: channel and ts, which is how Slack itself identifies a message. */
const messageId = (channel: string, ts: string) => `${channel}:${ts}`;

/**
 * A message someone wrote: a reply in a thread (to the thread's author) or a post, plus a mention
 * for each user it names. Events are addressed by channel id only, so the channel's topic is its
 * id as a slug.
 */
const fromMessage = (message: SlackMessage, channel: string): Normalized => {
  if (!message.user || !WRITTEN_SUBTYPES.has(message.subtype)) return ignoredEvents();
  const id = messageId(channel, message.ts);
  const text = canonicalText(message.text);
  const base = {
    network: NETWORK,
    actor: account(message.user),
    contentId: id,
    ...optional('topics', topicSlugs([channel])),
    occurredAt: slackTime(message.ts)!,
  };
  const inThread = message.thread_ts !== undefined && message.thread_ts !== message.ts;
  const primary: Interaction =
    inThread && message.parent_user_id
      ? {
          ...base,
          id,
          type: 'reply',
          target: account(message.parent_user_id),
          parentContentId: messageId(channel, message.thread_ts!),
          ...optional('text', text),
        }
      : { ...base, id, type: 'post', ...optional('text', text) };
  const named = new Set([message.user, primary.target?.id]);
  const mentions: Interaction[] = [];
  for (const [, user] of (message.text ?? '').matchAll(USER_MENTION)) {
    if (!user || named.has(user)) continue;
    named.add(user);
    mentions.push({ ...base, id: `${id}:mention:${user}`, type: 'mention', target: account(user) });
  }
  return { interactions: [primary, ...mentions], retractions: [], ignored: 0 };
};

const fromEvent = (tagged: SlackEvent): Normalized => {
  switch (tagged.kind) {
    case 'message': {
      const { event } = tagged;
      if (event.channel_type && PRIVATE_CHANNEL_TYPES.has(event.channel_type)) return ignoredEvents();
      if (event.subtype === 'message_changed') return event.message ? fromMessage(event.message, event.channel) : ignoredEvents();
      if (event.subtype === 'message_deleted') {
        if (!event.deleted_ts) return ignoredEvents();
        const retraction: Retraction = {
          kind: 'content',
          network: NETWORK,
          contentId: messageId(event.channel, event.deleted_ts),
          retractedAt: slackTime(event.ts)!,
        };
        return { interactions: [], retractions: [retraction], ignored: 0 };
      }
      return fromMessage(event, event.channel);
    }
    case 'app_mention':
      // The same message as its `message` event, when the app also gets those: same ids, counted
      // once. Bots and workflows mention apps too (`subtype: bot_message`, no `user`): ignored.
      return fromMessage(tagged.event, tagged.event.channel);
    case 'reaction': {
      const { event } = tagged;
      const { item } = event;
      if (item.type !== 'message' || !item.channel || !item.ts || !event.item_user) return ignoredEvents();
      const reacted = messageId(item.channel, item.ts);
      const id = `reaction:${reacted}:${event.user}:${event.reaction}`;
      const at = slackTime(event.event_ts)!;
      if (event.type === 'reaction_removed') {
        return { interactions: [], retractions: [{ kind: 'interaction', network: NETWORK, id, retractedAt: at }], ignored: 0 };
      }
      const like: Interaction = {
        id,
        network: NETWORK,
        type: 'like',
        actor: account(event.user),
        target: account(event.item_user),
        parentContentId: reacted,
        ...optional('topics', topicSlugs([item.channel])),
        occurredAt: at,
      };
      return { interactions: [like], retractions: [], ignored: 0 };
    }
    case 'other':
      return ignoredEvents();
  }
};

/**
 * A Slack Events API request as canonical interactions. Retries (`x-slack-retry-num`) carry the
 * same event and map to the same ids, so they are duplicates like any redelivery.
 */
export const normalizeSlack = (request: SlackRequest): Normalized => (request.kind === 'event_callback' ? fromEvent(request.event) : ignoredEvents());
