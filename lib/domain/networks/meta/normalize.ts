import type { Retraction } from '../../interactions/retraction';
import type { Interaction } from '../../interactions/schema';
import { account, canonicalText, combine, ignoredEvents, isoTime, optional, type Normalized } from '../normalized';
import { metaTime, type FeedValue, type InstagramComment, type MetaEntry, type MetaWebhook } from './schema';

const POST_ITEMS = new Set(['status', 'post', 'photo', 'video']);
const REACTION_ITEMS = new Set(['reaction', 'like']);

const interactionOf = (interaction: Interaction): Normalized => ({ interactions: [interaction], retractions: [], ignored: 0 });
const retractionOf = (retraction: Retraction): Normalized => ({ interactions: [], retractions: [retraction], ignored: 0 });

/** A Facebook post id is `<owner id>_<post id>`: the owner is whom a comment or reaction responds to. */
const postOwner = (postId: string | undefined, pageId: string): string => {
  const owner = postId?.split('_')[0];
  return owner && /^\d+$/.test(owner) && postId !== owner ? owner : pageId;
};

/** Who made the change: `from`, or `sender_id` / `sender_name` in older deliveries. */
const authorOf = (value: FeedValue) => {
  const id = value.from?.id ?? value.sender_id;
  return id === undefined ? undefined : account(id, value.from?.name ?? value.sender_name);
};

/**
 * One Page `feed` change: comments are replies to the post's owner, reactions likes, shares
 * shares, the Page's own posts posts and visitors' posts on the Page replies to it. `edited`
 * yields the same ids as `add` (a duplicate, or the first sight of a missed add); `remove`
 * retracts (it needs no author, except for reactions, whose id names who reacted); hide, block
 * and the like are ignored, and so is a change that does not say who made it.
 */
const fromFeed = (value: FeedValue, entry: MetaEntry, entryTime: string): Normalized => {
  const network = 'facebook';
  const pageId = entry.id;
  const occurredAt = (value.created_time !== undefined ? metaTime(value.created_time) : undefined) ?? entryTime;
  const verb = value.verb === 'edit' ? 'edited' : value.verb;
  if (!['add', 'edited', 'remove'].includes(verb)) return ignoredEvents();
  const actor = authorOf(value);
  const owner = account(postOwner(value.post_id, pageId));
  const text = canonicalText(value.message);

  if (value.item === 'comment' && value.comment_id) {
    if (verb === 'remove') return retractionOf({ kind: 'content', network, contentId: value.comment_id, retractedAt: occurredAt });
    if (!actor || !value.post_id) return ignoredEvents();
    return interactionOf({
      id: value.comment_id,
      network,
      type: 'reply',
      actor,
      target: owner,
      contentId: value.comment_id,
      parentContentId: value.parent_id ?? value.post_id,
      ...optional('text', text),
      occurredAt,
    });
  }
  if (REACTION_ITEMS.has(value.item) && (value.comment_id ?? value.post_id)) {
    if (!actor) return ignoredEvents();
    const reacted = (value.comment_id ?? value.post_id)!;
    const id = `reaction:${reacted}:${actor.id}`;
    if (verb === 'remove') return retractionOf({ kind: 'interaction', network, id, retractedAt: occurredAt });
    return interactionOf({ id, network, type: 'like', actor, target: owner, parentContentId: reacted, occurredAt });
  }
  if (value.item === 'share' && (value.share_id ?? value.post_id)) {
    const shared = (value.share_id ?? value.post_id)!;
    if (verb === 'remove') return retractionOf({ kind: 'content', network, contentId: shared, retractedAt: occurredAt });
    if (!actor) return ignoredEvents();
    const base = { id: shared, network, actor, contentId: shared, ...optional('text', text), occurredAt };
    return interactionOf(actor.id === pageId ? { ...base, type: 'post' } : { ...base, type: 'share', target: account(pageId) });
  }
  if (POST_ITEMS.has(value.item) && value.post_id) {
    if (verb === 'remove') return retractionOf({ kind: 'content', network, contentId: value.post_id, retractedAt: occurredAt });
    if (!actor) return ignoredEvents();
    const base = { id: value.post_id, network, actor, contentId: value.post_id, ...optional('text', text), occurredAt };
    return interactionOf(actor.id === pageId ? { ...base, type: 'post' } : { ...base, type: 'reply', target: account(pageId) });
  }
  return ignoredEvents();
};

/**
 * An Instagram comment on the account's media: a reply to the account, on the media (or on the
 * comment it answers). A comment that does not say who wrote it (deliveries before October 2021
 * name only the comment) is acknowledged and ignored. Instagram sends no deletions.
 */
const fromInstagramComment = (comment: InstagramComment, entry: MetaEntry, entryTime: string): Normalized => {
  const author = comment.from?.id;
  if (!comment.id || author === undefined) return ignoredEvents();
  const parent = comment.parent_id ?? comment.media?.id;
  return interactionOf({
    id: comment.id,
    network: 'instagram',
    type: 'reply',
    actor: account(author, comment.from?.username),
    target: account(entry.id),
    contentId: comment.id,
    ...optional('parentContentId', parent),
    ...optional('text', canonicalText(comment.text)),
    occurredAt: entryTime,
  });
};

/**
 * A Meta delivery, entries and their changes in order: `object: "page"` becomes network
 * `facebook`, `object: "instagram"` network `instagram`. Instagram `mentions` name only the media
 * and comment, not who mentioned the account, so they are acknowledged and ignored, like
 * messaging entries and the changes of other fields.
 */
export const normalizeMeta = (payload: MetaWebhook, receivedAt: Date): Normalized => {
  const parts: Normalized[] = [];
  for (const entry of payload.entry) {
    const entryTime = (entry.time !== undefined ? metaTime(entry.time) : undefined) ?? isoTime(receivedAt)!;
    const changes = entry.changes ?? [];
    if (changes.length === 0) parts.push(ignoredEvents(Math.max(1, entry.messaging?.length ?? 0)));
    for (const change of changes) {
      if (payload.object === 'page' && change.kind === 'feed') parts.push(fromFeed(change.value, entry, entryTime));
      else if (payload.object === 'instagram' && change.kind === 'instagram-comment') parts.push(fromInstagramComment(change.value, entry, entryTime));
      else parts.push(ignoredEvents());
    }
  }
  const normalized = combine(parts);
  return normalized.interactions.length + normalized.retractions.length + normalized.ignored === 0 ? ignoredEvents() : normalized;
};
