import type { Retraction } from '../../interactions/retraction';
import type { Interaction } from '../../interactions/schema';
import { account, canonicalText, combine, ignoredEvents, optional, topicSlugs, type Normalized } from '../normalized';
import type { AnyTweet, Tweet, XWebhook } from './schema';

const NETWORK = 'x';
const HANDLED = new Set(['tweet_create_events', 'favorite_events', 'follow_events', 'tweet_delete_events']);

/** The whole text and its entities, from `extended_tweet` when the tweet is over 140 characters. */
const content = (tweet: AnyTweet) => ({
  text: tweet.extended_tweet?.full_text ?? tweet.full_text ?? tweet.text ?? undefined,
  entities: tweet.extended_tweet?.entities ?? tweet.entities,
  displayRange: tweet.extended_tweet?.display_text_range ?? tweet.display_text_range,
});

const hashtagTopics = (tweet: AnyTweet) => topicSlugs((content(tweet).entities?.hashtags ?? []).map((hashtag) => hashtag.text));

const author = (tweet: AnyTweet) => account(tweet.user.id_str, tweet.user.screen_name);

/**
 * A new tweet: a retweet is a share, a quote a quote, a reply to someone else a reply, anything
 * else (threads included) a post; each user it mentions in its own text is a mention. The tweet
 * id is the idempotency key, so the copies X delivers for each subscribed user count once.
 */
const fromTweet = (tweet: Tweet): Normalized => {
  const occurredAt = tweet.created_at;
  const base = { network: NETWORK, actor: author(tweet), contentId: tweet.id_str, occurredAt };
  const original = tweet.retweeted_status;
  if (original) {
    const share: Interaction = {
      ...base,
      id: tweet.id_str,
      type: 'share',
      target: author(original),
      parentContentId: original.id_str,
      ...optional('topics', hashtagTopics(original)),
    };
    return { interactions: [share], retractions: [], ignored: 0 };
  }

  const { text, entities, displayRange } = content(tweet);
  const topics = hashtagTopics(tweet);
  const own = { ...base, ...optional('text', canonicalText(text)), ...optional('topics', topics) };
  let primary: Interaction;
  if (tweet.quoted_status) {
    primary = { ...own, id: tweet.id_str, type: 'quote', target: author(tweet.quoted_status), parentContentId: tweet.quoted_status.id_str };
  } else if (tweet.in_reply_to_status_id_str && tweet.in_reply_to_user_id_str && tweet.in_reply_to_user_id_str !== tweet.user.id_str) {
    primary = {
      ...own,
      id: tweet.id_str,
      type: 'reply',
      target: account(tweet.in_reply_to_user_id_str, tweet.in_reply_to_screen_name),
      parentContentId: tweet.in_reply_to_status_id_str,
    };
  } else {
    primary = { ...own, id: tweet.id_str, type: 'post' };
  }

  // The @names X puts before a reply's text (outside display_text_range) address the thread, not a person.
  const displayStart = displayRange?.[0] ?? 0;
  const mentioned = new Set([tweet.user.id_str, primary.target?.id]);
  const mentions: Interaction[] = [];
  for (const mention of entities?.user_mentions ?? []) {
    if (mentioned.has(mention.id_str) || (mention.indices?.[0] ?? displayStart) < displayStart) continue;
    mentioned.add(mention.id_str);
    mentions.push({
      ...base,
      id: `${tweet.id_str}:mention:${mention.id_str}`,
      type: 'mention',
      target: account(mention.id_str, mention.screen_name),
      ...optional('topics', topics),
    });
  }
  return { interactions: [primary, ...mentions], retractions: [], ignored: 0 };
};

/**
 * An X Account Activity delivery as canonical interactions: tweets, likes (`fav:<tweet>:<user>`),
 * follows (`follow:<source>:<target>`); unfollows retract follows and deleted tweets retract what
 * they brought. Direct messages, blocks, mutes, a revoked subscription (`user_event`) and the like
 * are ignored.
 */
export const normalizeX = (payload: XWebhook): Normalized => {
  const parts: Normalized[] = [];
  for (const tweet of payload.tweet_create_events ?? []) parts.push(fromTweet(tweet));
  for (const favorite of payload.favorite_events ?? []) {
    const liked = favorite.favorited_status;
    parts.push({
      interactions: [
        {
          id: `fav:${liked.id_str}:${favorite.user.id_str}`,
          network: NETWORK,
          type: 'like',
          actor: account(favorite.user.id_str, favorite.user.screen_name),
          target: author(liked),
          parentContentId: liked.id_str,
          ...optional('topics', hashtagTopics(liked)),
          occurredAt: favorite.created_at,
        },
      ],
      retractions: [],
      ignored: 0,
    });
  }
  for (const follow of payload.follow_events ?? []) {
    const id = `follow:${follow.source.id_str}:${follow.target.id_str}`;
    if (follow.type === 'follow') {
      const interaction: Interaction = {
        id,
        network: NETWORK,
        type: 'follow',
        actor: account(follow.source.id_str, follow.source.screen_name),
        target: account(follow.target.id_str, follow.target.screen_name),
        occurredAt: follow.created_timestamp,
      };
      parts.push({ interactions: [interaction], retractions: [], ignored: 0 });
    } else if (follow.type === 'unfollow') {
      const retraction: Retraction = { kind: 'interaction', network: NETWORK, id, retractedAt: follow.created_timestamp };
      parts.push({ interactions: [], retractions: [retraction], ignored: 0 });
    } else {
      parts.push(ignoredEvents());
    }
  }
  for (const deletion of payload.tweet_delete_events ?? []) {
    const retraction: Retraction = { kind: 'content', network: NETWORK, contentId: deletion.status.id, retractedAt: deletion.timestamp_ms };
    parts.push({ interactions: [], retractions: [retraction], ignored: 0 });
  }
  for (const [key, value] of Object.entries(payload)) {
    if (HANDLED.has(key) || value === null || value === undefined) continue;
    if (key.endsWith('_events')) parts.push(ignoredEvents(Array.isArray(value) ? value.length : 1));
    else if (key === 'user_event') parts.push(ignoredEvents());
  }
  const normalized = combine(parts);
  const nothingAtAll = normalized.interactions.length + normalized.retractions.length + normalized.ignored === 0;
  return nothingAtAll ? ignoredEvents() : normalized;
};
