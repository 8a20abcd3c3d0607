/**
 * The parts of Slack Events API requests that Sway reads: `url_verification`, and
 * `event_callback` with `message` (its edits and deletions), `app_mention`, `reaction_added` and
 * `reaction_removed`. Other event types and fields pass through; a field Sway reads but can do
 * without reads as absent when it is null or malformed, never as a reason to refuse.
 */
import { z } from 'zod';
import { isoTime, whenUsable } from '../normalized';

/** Slack's message timestamps: Unix seconds with microseconds, `1355517523.000005`; also the message's id in its channel. */
export const SlackTs = z
  .string()
  .regex(/^\d{1,12}(\.\d{1,9})?$/)
  .refine((ts) => slackTime(ts) !== undefined, 'not a time');

export const slackTime = (ts: string): string | undefined => isoTime(new Date(Math.floor(Number(ts) * 1000)));

const Id = z.string().min(1).max(64);

const MessageFields = {
  /** Absent from bot and workflow messages. */
  user: whenUsable(Id),
  text: whenUsable(z.string()),
  ts: SlackTs,
  thread_ts: SlackTs.optional(),
  parent_user_id: whenUsable(Id),
  subtype: z.string().optional(),
};
export const SlackMessageSchema = z.looseObject(MessageFields);
export type SlackMessage = z.infer<typeof SlackMessageSchema>;

const HANDLED_EVENTS = ['message', 'app_mention', 'reaction_added', 'reaction_removed'];

const MessageEventSchema = z.looseObject({
  type: z.literal('message'),
  channel: Id,
  channel_type: whenUsable(z.string()),
  ...MessageFields,
  /** message_changed: the message as it is now. */
  message: SlackMessageSchema.optional(),
  /** message_deleted: the ts of the message that is gone. */
  deleted_ts: SlackTs.optional(),
});

const ReactionEventSchema = z.looseObject({
  type: z.enum(['reaction_added', 'reaction_removed']),
  user: Id,
  reaction: z.string().min(1).max(100),
  item_user: whenUsable(Id),
  /** A message (`channel`, `ts`), or a file or file comment (`file`). */
  item: z.looseObject({ type: z.string(), channel: whenUsable(Id), ts: whenUsable(SlackTs) }),
  event_ts: SlackTs,
});

/** The inner event, tagged by what Sway does with it. */
export const SlackEventSchema = z.union([
  MessageEventSchema.transform((event) => ({ kind: 'message' as const, event })),
  z.looseObject({ type: z.literal('app_mention'), channel: Id, ...MessageFields }).transform((event) => ({ kind: 'app_mention' as const, event })),
  ReactionEventSchema.transform((event) => ({ kind: 'reaction' as const, event })),
  z.looseObject({ type: z.string().refine((type) => !HANDLED_EVENTS.includes(type)) }).transform(() => ({ kind: 'other' as const })),
]);
export type SlackEvent = z.infer<typeof SlackEventSchema>;

export const SlackRequestSchema = z.union([
  z
    .looseObject({ type: z.literal('url_verification'), challenge: z.string().min(1).max(1024) })
    .transform(({ challenge }) => ({ kind: 'url_verification' as const, challenge })),
  z.looseObject({ type: z.literal('event_callback'), event: SlackEventSchema }).transform(({ event }) => ({ kind: 'event_callback' as const, event })),
  z.looseObject({ type: z.string().refine((type) => type !== 'url_verification' && type !== 'event_callback') }).transform(() => ({ kind: 'other' as const })),
]);
export type SlackRequest = z.infer<typeof SlackRequestSchema>;
