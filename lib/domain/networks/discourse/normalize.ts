import type { Interaction } from '../../interactions/schema';
import { account, canonicalText, ignoredEvents, isoTime, optional, topicSlugs, type Normalized } from '../normalized';
import type { DiscourseDelivery, DiscoursePost } from './schema';

const NETWORK = 'discourse';
const REGULAR_POST = 1;

/**
 * Discourse names the account a post replies to by username only, so Sway identifies Discourse
 * accounts by their lower-cased username (Discourse's own case-insensitive key).
 */
const who = (username: string) => account(username.toLowerCase(), username);

/** Posts by position, `<topic>/<post number>`: how a reply names what it answers. */
const postContent = (post: DiscoursePost) => `${post.topic_id}/${post.post_number}`;

/** Private messages, whispers and small actions are not public posts. */
const isPublicPost = (post: DiscoursePost) => post.post_type === REGULAR_POST && post.topic_archetype !== 'private_message';

/**
 * A post: a reply to the post it answers (when Discourse names its author), otherwise a post in
 * its category. post_edited yields the same id (`post:<id>`), so an edit counts once.
 */
const fromPost = (post: DiscoursePost, author: string): Interaction => {
  const base = {
    id: `post:${post.id}`,
    network: NETWORK,
    actor: who(author),
    contentId: postContent(post),
    ...optional('text', canonicalText(post.raw)),
    ...optional('topics', topicSlugs([post.category_slug])),
    occurredAt: post.created_at,
  };
  if (post.reply_to_post_number && post.reply_to_user) {
    return {
      ...base,
      type: 'reply',
      target: who(post.reply_to_user.username),
      parentContentId: `${post.topic_id}/${post.reply_to_post_number}`,
    };
  }
  return { ...base, type: 'post' };
};

/**
 * A Discourse delivery as canonical interactions. Likes come as post_liked where the site sends
 * them (`like:<post>:<username>`); a destroyed post retracts what it brought. Discourse sends no
 * un-like event.
 */
export const normalizeDiscourse = (delivery: DiscourseDelivery, receivedAt: Date): Normalized => {
  switch (delivery.event) {
    case 'post_created':
    case 'post_edited': {
      const { post } = delivery.payload;
      return isPublicPost(post) && post.username ? { interactions: [fromPost(post, post.username)], retractions: [], ignored: 0 } : ignoredEvents();
    }
    case 'post_destroyed': {
      const { post } = delivery.payload;
      if (!isPublicPost(post)) return ignoredEvents();
      const retractedAt = (post.deleted_at ? isoTime(new Date(post.deleted_at)) : undefined) ?? isoTime(receivedAt)!;
      return { interactions: [], retractions: [{ kind: 'content', network: NETWORK, contentId: postContent(post), retractedAt }], ignored: 0 };
    }
    case 'post_liked': {
      const { post, user } = delivery.payload.like;
      if (!isPublicPost(post) || !post.username) return ignoredEvents();
      const like: Interaction = {
        id: `like:${post.id}:${user.username.toLowerCase()}`,
        network: NETWORK,
        type: 'like',
        actor: who(user.username),
        target: who(post.username),
        parentContentId: postContent(post),
        ...optional('topics', topicSlugs([post.category_slug])),
        occurredAt: isoTime(receivedAt)!,
      };
      return { interactions: [like], retractions: [], ignored: 0 };
    }
    case 'other':
      return ignoredEvents();
  }
};
