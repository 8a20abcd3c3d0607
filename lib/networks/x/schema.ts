/**
 * The parts of X's Account Activity API deliveries that Sway reads (v1.1 Tweet and User objects
 * inside `tweet_create_events`, `favorite_events`, `follow_events`, `tweet_delete_events`).
 * Every other field, and every other event kind, passes through untouched.
 */
import { z } from 'zod';
import { times } from '../normalized';

const IdString = z.string().min(1).max(64);

export const XUserSchema = z.looseObject({
  id_str: IdString,
  screen_name: z.string().nullish(),
});

const EntitiesSchema = z.looseObject({
  hashtags: z.array(z.looseObject({ text: z.string() })).optional(),
  user_mentions: z
    .array(z.looseObject({ id_str: IdString, screen_name: z.string().nullish(), indices: z.array(z.number()).optional() }))
    .optional(),
});

const DisplayRangeSchema = z.tuple([z.number(), z.number()]);

const TweetFields = {
  id_str: IdString,
  created_at: times.dateString,
  text: z.string().nullish(),
  /** Present when the app asked for `tweet_mode=extended`. */
  full_text: z.string().nullish(),
  truncated: z.boolean().optional(),
  display_text_range: DisplayRangeSchema.optional(),
  /** Tweets over 140 characters: the whole text and its entities. */
  extended_tweet: z
    .looseObject({ full_text: z.string(), display_text_range: DisplayRangeSchema.optional(), entities: EntitiesSchema.optional() })
    .optional(),
  entities: EntitiesSchema.optional(),
  user: XUserSchema,
  in_reply_to_status_id_str: z.string().nullish(),
  in_reply_to_user_id_str: z.string().nullish(),
  in_reply_to_screen_name: z.string().nullish(),
};

/** A tweet inside another event: quoted, retweeted or liked. */
export const EmbeddedTweetSchema = z.looseObject(TweetFields);
export const TweetSchema = z.looseObject({
  ...TweetFields,
  quoted_status: EmbeddedTweetSchema.optional(),
  retweeted_status: EmbeddedTweetSchema.optional(),
});
export type Tweet = z.infer<typeof TweetSchema>;
export type AnyTweet = z.infer<typeof EmbeddedTweetSchema>;

export const FavoriteEventSchema = z.looseObject({
  id: z.string().optional(),
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
  status: z.looseObject({ id: IdString, user_id: z.string().optional() }),
  timestamp_ms: times.epochMilliseconds,
});

export const XWebhookSchema = z.looseObject({
  /** The subscribed user this copy of the event was delivered for: one copy per subscribed user involved. */
  for_user_id: IdString,
  tweet_create_events: z.array(TweetSchema).optional(),
  favorite_events: z.array(FavoriteEventSchema).optional(),
  follow_events: z.array(FollowEventSchema).optional(),
  tweet_delete_events: z.array(TweetDeleteEventSchema).optional(),
});
export type XWebhook = z.infer<typeof XWebhookSchema>;

export const XCrcQuerySchema = z.object({ crc_token: z.string().min(1).max(1024) });
export const XCrcResponseSchema = z.object({ response_token: z.string() }).meta({ id: 'XCrcResponse' });
