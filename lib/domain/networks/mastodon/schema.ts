/**
 * The parts of Mastodon webhook deliveries Sway reads: `status.created` and `status.updated`,
 * whose `object` is the REST API Status entity. Account and report events pass through.
 */
import { z } from 'zod';
import { times } from '../normalized';

const Id = z.string().min(1).max(64);

const AccountSchema = z.looseObject({ id: Id, username: z.string().nullish(), acct: z.string().nullish() });
export type MastodonAccount = z.infer<typeof AccountSchema>;

const StatusFields = {
  id: Id,
  created_at: times.dateString,
  account: AccountSchema,
  /** HTML, as Mastodon renders it. */
  content: z.string().nullish(),
  spoiler_text: z.string().nullish(),
  visibility: z.string().nullish(),
  in_reply_to_id: Id.nullish(),
  in_reply_to_account_id: Id.nullish(),
  mentions: z.array(z.looseObject({ id: Id, username: z.string().nullish(), acct: z.string().nullish() })).optional(),
  tags: z.array(z.looseObject({ name: z.string() })).optional(),
};

const QuotedStatusFields = z.looseObject(StatusFields);

export const StatusSchema = z.looseObject({
  ...StatusFields,
  reblog: QuotedStatusFields.nullish(),
  /** Mastodon 4.4+: a quote post, with the quoted status once the quote is accepted. */
  quote: z.looseObject({ state: z.string().optional(), quoted_status: QuotedStatusFields.nullish() }).nullish(),
});
export type Status = z.infer<typeof StatusSchema>;
export type AnyStatus = z.infer<typeof QuotedStatusFields>;

export const MastodonWebhookSchema = z.union([
  z
    .looseObject({ event: z.enum(['status.created', 'status.updated']), created_at: z.string().optional(), object: StatusSchema })
    .transform(({ event, object }) => ({ kind: 'status' as const, event, status: object })),
  z
    .looseObject({ event: z.string().refine((event) => event !== 'status.created' && event !== 'status.updated') })
    .transform(({ event }) => ({ kind: 'other' as const, event })),
]);
export type MastodonWebhook = z.infer<typeof MastodonWebhookSchema>;
