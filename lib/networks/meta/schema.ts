/**
 * The parts of Meta Graph API webhook deliveries that Sway reads: Page `feed` changes and
 * Instagram `comments` / `mentions`, batched as entries of changes. Other fields pass through.
 */
import { z } from 'zod';
import { isoTime } from '../normalized';

const Id = z.string().min(1).max(128);

const FromSchema = z.looseObject({ id: Id, name: z.string().nullish(), username: z.string().nullish() });

/** Unix seconds, or an ISO date in some deliveries. */
const MetaTime = z.union([z.number().nonnegative(), z.string()]);

/** Meta's times as ISO-8601: seconds, milliseconds (values past 10^11) or a date string. */
export const metaTime = (value: number | string): string | undefined => {
  if (typeof value === 'string') return isoTime(new Date(value));
  return isoTime(new Date(value > 1e11 ? value : value * 1000));
};

export const FeedValueSchema = z.looseObject({
  /** comment, reaction, like, share, status, post, photo, video, … */
  item: z.string(),
  /** add, edited (edit for reactions), remove, hide, unhide, block, unblock, … */
  verb: z.string(),
  from: FromSchema.optional(),
  post_id: Id.optional(),
  comment_id: Id.optional(),
  parent_id: Id.optional(),
  share_id: Id.optional(),
  reaction_type: z.string().optional(),
  message: z.string().nullish(),
  created_time: MetaTime.optional(),
});
export type FeedValue = z.infer<typeof FeedValueSchema>;

export const InstagramCommentSchema = z.looseObject({
  id: Id,
  from: FromSchema,
  text: z.string().nullish(),
  media: z.looseObject({ id: Id, media_product_type: z.string().optional() }).optional(),
  parent_id: Id.optional(),
});
export type InstagramComment = z.infer<typeof InstagramCommentSchema>;

const HANDLED_FIELDS = ['feed', 'comments', 'live_comments'];

/** One change of an entry, tagged by what Sway does with it. */
const ChangeSchema = z.union([
  z.looseObject({ field: z.literal('feed'), value: FeedValueSchema }).transform(({ value }) => ({ kind: 'feed' as const, value })),
  z
    .looseObject({ field: z.enum(['comments', 'live_comments']), value: InstagramCommentSchema })
    .transform(({ value }) => ({ kind: 'instagram-comment' as const, value })),
  z
    .looseObject({ field: z.string().refine((field) => !HANDLED_FIELDS.includes(field)), value: z.unknown() })
    .transform(({ field }) => ({ kind: 'other' as const, field })),
]);
export type MetaChange = z.infer<typeof ChangeSchema>;

export const MetaEntrySchema = z.looseObject({
  /** The Page id, or the Instagram professional account id. */
  id: Id,
  /** When Meta sent the notification: seconds, or milliseconds in some Instagram deliveries. */
  time: z.number().nonnegative().refine((time) => metaTime(time) !== undefined, 'not a time'),
  changes: z.array(ChangeSchema).optional(),
});
export type MetaEntry = z.infer<typeof MetaEntrySchema>;

export const MetaWebhookSchema = z.looseObject({
  /** page → facebook, instagram → instagram; other objects are acknowledged and ignored. */
  object: z.string(),
  entry: z.array(MetaEntrySchema),
});
export type MetaWebhook = z.infer<typeof MetaWebhookSchema>;

/** Lenient on purpose: a check without the right mode or token is refused with 403, not 400. */
export const MetaVerificationQuerySchema = z.object({
  'hub.mode': z.string().optional(),
  'hub.verify_token': z.string().optional(),
  'hub.challenge': z.string().max(1024).optional(),
});
export type MetaVerificationQuery = z.infer<typeof MetaVerificationQuerySchema>;
