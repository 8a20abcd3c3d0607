/**
 * The parts of Discourse webhook deliveries Sway reads, per `x-discourse-event`: post_created,
 * post_edited, post_destroyed (`{"post": …}`) and post_liked (`{"like": {"post", "user"}}`).
 * Topic, user and other events, and the ping, pass through.
 */
import { z } from 'zod';
import { times, whenUsable } from '../normalized';

const NumericId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const Username = z.string().min(1).max(256);

export const DiscoursePostSchema = z.looseObject({
  id: NumericId,
  /** Null once the author's account is deleted. */
  username: Username.nullable(),
  created_at: times.dateString,
  /** 1 regular; 2 moderator action, 3 small action, 4 whisper. */
  post_type: z.number().int(),
  post_number: z.number().int().positive(),
  topic_id: NumericId,
  raw: whenUsable(z.string()),
  reply_to_post_number: whenUsable(z.number().int().positive()),
  /** Only the username: Discourse sends no id for the account replied to. */
  reply_to_user: whenUsable(z.looseObject({ username: Username })),
  category_slug: whenUsable(z.string()),
  topic_archetype: z.string().nullish(),
  deleted_at: whenUsable(z.string()),
});
export type DiscoursePost = z.infer<typeof DiscoursePostSchema>;

export const DiscourseEventSchemas = {
  post_created: z.looseObject({ post: DiscoursePostSchema }),
  post_edited: z.looseObject({ post: DiscoursePostSchema }),
  post_destroyed: z.looseObject({ post: DiscoursePostSchema }),
  post_liked: z.looseObject({ like: z.looseObject({ post: DiscoursePostSchema, user: z.looseObject({ username: Username }) }) }),
};

type Events = typeof DiscourseEventSchemas;
export type DiscourseDelivery = { [E in keyof Events]: { event: E; payload: z.infer<Events[E]> } }[keyof Events] | { event: 'other'; name: string };

export const isHandledEvent = (name: string): name is keyof Events => Object.hasOwn(DiscourseEventSchemas, name);
