/**
 * The parts of Meta Graph API webhook deliveries that Sway reads: Page `feed` changes and
 * Instagram `comments` / `live_comments`, batched as entries of changes. Other fields, entries
 * of `messaging`, and the changes of fields Sway does not read pass through; a field Sway reads
 * but can do without reads as absent when it is null or malformed, never as a reason to refuse.
 */
import { z } from 'zod';
import { idStringOrSafeNumber, isoTime, whenUsable } from '../normalized';

const Id = z.string().min(1).max(128);

/** Meta's ids are strings, except in some feed deliveries (`share_id`, `sender_id`, …) that send them as numbers. */
const IdStringOrSafeNumber = idStringOrSafeNumber(128);

const FromSchema = z.looseObject({
  id: whenUsable(IdStringOrSafeNumber),
  name: whenUsable(z.string()),
  username: whenUsable(z.string()),
});

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
  /** Who did it; `name` only when the app may see it. */
  from: whenUsable(FromSchema),
  /** Older deliveries name who did it here instead of in `from`. */
  sender_id: whenUsable(IdStringOrSafeNumber),
  sender_name: whenUsable(z.string()),
  post_id: whenUsable(IdStringOrSafeNumber),
  comment_id: whenUsable(IdStringOrSafeNumber),
  parent_id: whenUsable(IdStringOrSafeNumber),
  share_id: whenUsable(IdStringOrSafeNumber),
  message: whenUsable(z.string()),
  created_time: whenUsable(MetaTime),
});
export type FeedValue = z.infer<typeof FeedValueSchema>;

/** Deliveries before October 2021 (and the App Dashboard's test) carry only the comment's `id` and `text`. */
export const InstagramCommentSchema = z.looseObject({
  id: whenUsable(Id),
  from: whenUsable(FromSchema),
  text: whenUsable(z.string()),
  media: whenUsable(z.looseObject({ id: whenUsable(Id) })),
  parent_id: whenUsable(Id),
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
  /** When Meta sent the notification: seconds, or milliseconds in some Instagram and messaging deliveries. */
  time: whenUsable(
    z
      .number()
      .nonnegative()
      .refine((time) => metaTime(time) !== undefined, 'not a time'),
  ),
  changes: z.array(ChangeSchema).nullish(),
  /** Messenger and Instagram messaging events: nothing Sway scores, counted as ignored. */
  messaging: whenUsable(z.array(z.unknown())),
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
