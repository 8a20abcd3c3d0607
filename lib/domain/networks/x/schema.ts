/**
 * The parts of X's Account Activity API deliveries that Sway reads (v1.1 Tweet and User objects
 * inside `tweet_create_events`, `favorite_events`, `follow_events`, `tweet_delete_events`).
 * Every other field, and every other event kind, passes through untouched; a field Sway reads
 * but can do without reads as absent when it is null or malformed, never as a reason to refuse.
 */
import { z } from 'zod';
import { idStringOrSafeNumber, times, whenUsable } from '../normalized';

const IdString = z.string().min(1).max(64);

const IdStringOrSafeNumber = idStringOrSafeNumber(64);

/**
 * A user: v1.1 User objects (tweet authors, likers) carry `id_str`; the user objects of follow,
 * block and mute events carry only `id`, as a string. Either one identifies the account.
 */
export const XUserSchema = z
  .looseObject({
    id_str: whenUsable(IdString),
    id: whenUsable(IdStringOrSafeNumber),
    screen_name: whenUsable(z.string()),
  })
  .transform((user, ctx) => {
    const id = user.id_str ?? user.id;
    if (id === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a user needs id_str or id', path: ['id_str'] });
      return z.NEVER;
    }
    return { ...user, id_str: id };
  });

const EntitiesSchema = z.looseObject({
  hashtags: whenUsable(z.array(z.looseObject({ text: z.string() }))),
  user_mentions: whenUsable(z.array(z.looseObject({ id_str: IdString, screen_name: whenUsable(z.string()), indices: whenUsable(z.array(z.number())) }))),
});

const DisplayRangeSchema = z.tuple([z.number(), z.number()]);

const TweetFields = {
  id_str: IdString,
  created_at: times.dateString,
  text: whenUsable(z.string()),
  /** Present when the app asked for `tweet_mode=extended`. */
  full_text: whenUsable(z.string()),
  display_text_range: whenUsable(DisplayRangeSchema),
  /** Tweets over 140 characters: the whole text and its entities. */
  extended_tweet: whenUsable(
    z.looseObject({ full_text: z.string(), display_text_range: whenUsable(DisplayRangeSchema), entities: whenUsable(EntitiesSchema) }),
  ),
  entities: whenUsable(EntitiesSchema),
  user: XUserSchema,
  in_reply_to_status_id_str: whenUsable(IdString),
  in_reply_to_user_id_str: whenUsable(IdString),
  in_reply_to_screen_name: whenUsable(z.string()),
};

/** A tweet inside another event: quoted, retweeted or liked. */
export const EmbeddedTweetSchema = z.looseObject(TweetFields);
export const TweetSchema = z.looseObject({
  ...TweetFields,
  quoted_status: EmbeddedTweetSchema.nullish(),
  retweeted_status: EmbeddedTweetSchema.nullish(),
});
export type Tweet = z.infer<typeof TweetSchema>;
export type AnyTweet = z.infer<typeof EmbeddedTweetSchema>;

export const FavoriteEventSchema = z.looseObject({
  created_at: times.dateString,
  favorited_status: EmbeddedTweetSchema,
  user: XUserSchema,
});

export const FollowEventSchema = z.looseObject({
  type: z.string(),
  created_timestamp: times.epochMilliseconds,
  source: XUserSchema,
  target: XUserSchema,
});

export const TweetDeleteEventSchema = z.looseObject({
  status: z.looseObject({ id: IdStringOrSafeNumber }),
  timestamp_ms: times.epochMilliseconds,
});

/** The kinds of `*_events` Sway reads; a kind missing or null carries nothing. */
const eventsOf = <T extends z.ZodType>(schema: T) => z.array(schema).nullish();

export const XWebhookSchema = z
  .looseObject({
    /**
     * The subscribed user this copy of the event was delivered for: one copy per subscribed user
     * involved. Every kind carries it but `user_event` (a revoked subscription).
     */
    for_user_id: IdStringOrSafeNumber.optional(),
    user_event: z.looseObject({}).optional(),
    tweet_create_events: eventsOf(TweetSchema),
    favorite_events: eventsOf(FavoriteEventSchema),
    follow_events: eventsOf(FollowEventSchema),
    tweet_delete_events: eventsOf(TweetDeleteEventSchema),
  })
  .refine((payload) => payload.for_user_id !== undefined || payload.user_event !== undefined, {
    message: 'an Account Activity delivery carries for_user_id, or is a user_event',
    path: ['for_user_id'],
  });
export type XWebhook = z.infer<typeof XWebhookSchema>;

/**
 * The CRC answer is the HMAC that X also puts on its deliveries, so a token that could be a
 * delivery body would get a forged signature for it: a body is JSON, and every envelope Sway
 * accepts holds `{`. Tokens are refused when they hold `{`, `[`, `"` or whitespace, or are long
 * (CONTRACT §3); X's own tokens are short base64 strings.
 */
export const MAX_CRC_TOKEN_LENGTH = 256;
export const XCrcQuerySchema = z.object({
  crc_token: z
    .string()
    .min(1)
    .max(MAX_CRC_TOKEN_LENGTH, `crc_token is at most ${MAX_CRC_TOKEN_LENGTH} characters`)
    .regex(/^[^{["\s]+$/, 'crc_token may not hold {, [, " or whitespace: it could be a request body to be signed'),
});
export const XCrcResponseSchema = z.object({ response_token: z.string() }).meta({ id: 'XCrcResponse' });
