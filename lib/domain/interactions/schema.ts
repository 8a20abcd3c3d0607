import { z } from 'zod';
import { MAX_TOPICS_PER_INTERACTION, NETWORK_PATTERN, TOPIC_PATTERN } from './patterns';

export { MAX_TOPICS_PER_INTERACTION, NETWORK_PATTERN, TOPIC_PATTERN };
export const MAX_INTERACTIONS_PER_REQUEST = 1000;
/** Largest body any ingestion route accepts (CONTRACT §3). */
export const MAX_INGEST_BODY_BYTES = 1024 * 1024;

export const INTERACTION_TYPES = ['post', 'reply', 'quote', 'share', 'like', 'mention', 'follow'] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];
export type EngagementType = Exclude<InteractionType, 'post'>;

export const NetworkSchema = z
  .string()
  .regex(NETWORK_PATTERN, 'network must be 1-32 characters of a-z, 0-9 and -')
  .describe('x | facebook | instagram | slack | mastodon | github | discourse | bluesky | any [a-z0-9-]{1,32}');

export const TopicSchema = z.string().regex(TOPIC_PATTERN, 'topic must match [a-z0-9][a-z0-9-]{0,63}').describe('A topic slug');

export const AccountRefSchema = z.strictObject({
  id: z.string().min(1).max(256).describe('Stable id in that network'),
  handle: z.string().min(1).max(256).optional().describe('Display handle'),
});

const IsoTimestamp = z.iso.datetime({ offset: true, message: 'occurredAt must be an ISO-8601 timestamp' });

export const InteractionSchema = z
  .strictObject({
    id: z.string().min(1).max(512).describe('Unique within its network: the idempotency key'),
    network: NetworkSchema,
    type: z.enum(INTERACTION_TYPES),
    actor: AccountRefSchema,
    target: AccountRefSchema.optional(),
    contentId: z.string().min(1).max(512).optional(),
    parentContentId: z.string().min(1).max(512).optional(),
    text: z.string().max(20_000).optional(),
    topics: z.array(TopicSchema).max(MAX_TOPICS_PER_INTERACTION).optional(),
    occurredAt: IsoTimestamp,
  })
  .superRefine((interaction, ctx) => {
    if (interaction.type === 'post' && interaction.target) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'a post has no target' });
    }
    if (interaction.type !== 'post' && !interaction.target) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: `a ${interaction.type} needs a target` });
    }
  })
  .meta({ id: 'Interaction', description: 'A canonical interaction (CONTRACT §2)' });

export type Interaction = z.infer<typeof InteractionSchema>;

export const IngestRequestSchema = z
  .strictObject({
    interactions: z.array(InteractionSchema).min(1).max(MAX_INTERACTIONS_PER_REQUEST),
  })
  .meta({ id: 'IngestRequest' });

export const IngestResultSchema = z
  .object({
    accepted: z.number().int().nonnegative(),
    duplicates: z.number().int().nonnegative(),
    ignored: z.number().int().nonnegative(),
  })
  .meta({ id: 'IngestResult' });
export type IngestResult = z.infer<typeof IngestResultSchema>;

export { accountKey, parseAccountKey } from './account-key';
