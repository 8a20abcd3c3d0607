import { z } from 'zod';
import { NetworkSchema, TopicSchema } from '../../domain/interactions/schema';
import { SEARCH_SORTS } from '../../domain/search/relevance';
import { RunRecordSchema } from '../../domain/run-record';
import { queues, type QueueName } from '../../wiring/workers';

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

export const Score = z.number().min(1).max(100).describe('1 to 100, one decimal');

export const PageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
  cursor: z.string().min(1).max(512).optional().describe('Opaque cursor from a previous page'),
});

export const LeaderboardQuerySchema = PageQuerySchema.extend({
  network: NetworkSchema.optional(),
});
export type LeaderboardQuery = z.infer<typeof LeaderboardQuerySchema>;

export const AccountPathSchema = z.strictObject({
  network: NetworkSchema,
  idOrHandle: z.string().min(1).max(256),
});

export const ForgetPathSchema = z.strictObject({ network: NetworkSchema, id: z.string().min(1).max(256) });
export const ForgetResultSchema = z.object({ network: z.string(), id: z.string(), accepted: z.literal(true) }).meta({ id: 'ForgetResult' });

export const TopicPathSchema = z.strictObject({ topic: TopicSchema });
export const RunPathSchema = z.strictObject({ runId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'not a run id') });

export const TopicScoreSchema = z.object({ topic: TopicSchema, score: Score, rank: z.number().int().positive() });

export const AccountSchema = z
  .object({
    network: z.string(),
    id: z.string(),
    handle: z.string().nullable(),
    score: Score,
    topics: z.array(TopicScoreSchema),
    computedAt: z.iso.datetime(),
  })
  .meta({ id: 'Account' });
export type Account = z.infer<typeof AccountSchema>;

export const LeaderboardEntrySchema = z.object({
  rank: z.number().int().positive(),
  network: z.string(),
  id: z.string(),
  handle: z.string().nullable(),
  score: Score,
});
export type LeaderboardEntry = z.infer<typeof LeaderboardEntrySchema>;

export const LeaderboardSchema = z
  .object({
    items: z.array(LeaderboardEntrySchema),
    nextCursor: z.string().nullable(),
    computedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Leaderboard' });
export type Leaderboard = z.infer<typeof LeaderboardSchema>;

export const TopicSummarySchema = z.object({ topic: TopicSchema, accounts: z.number().int().nonnegative() });
export type TopicSummary = z.infer<typeof TopicSummarySchema>;

export const TopicListSchema = z.object({ items: z.array(TopicSummarySchema), nextCursor: z.string().nullable() }).meta({ id: 'TopicList' });

/** A run as recorded (lib/domain/recompute-run.ts): the API answers it as it is. */
export const RunSchema = RunRecordSchema.meta({ id: 'Run' });
export type Run = z.infer<typeof RunSchema>;

export const StartedRunSchema = z.object({ runId: z.string() }).meta({ id: 'StartedRun' });

export const StatsSchema = z
  .object({
    interactions: z.number().int().nonnegative(),
    pending: z.number().int().nonnegative(),
    deadLetters: z.number().int().nonnegative(),
    accounts: z.number().int().nonnegative(),
    topics: z.number().int().nonnegative(),
    lastRun: RunSchema.nullable(),
  })
  .meta({ id: 'Stats' });
export type Stats = z.infer<typeof StatsSchema>;

// Not allQueueNames() from lib/wiring/config: the browser pages type-check against this module, and lib/wiring/config reads process.env.
const QueueNameSchema = z.enum(Object.values(queues).map((queue) => queue.name) as [QueueName, ...QueueName[]]);

/** The body of `POST /v1/admin/redrive`, optional: without `queue`, every queue's dead letters go back. */
export const RedriveRequestSchema = z
  .strictObject({ queue: QueueNameSchema.optional().describe('only this queue (default: every queue)') })
  .optional()
  .meta({ id: 'RedriveRequest' });

export const RedriveResultSchema = z
  .object({
    queues: z.array(
      z.discriminatedUnion('status', [
        z.object({
          queue: QueueNameSchema,
          status: z.literal('moved').describe('the dead letters are back on the queue'),
          messages: z.number().int().nonnegative(),
        }),
        z.object({
          queue: QueueNameSchema,
          status: z.literal('started').describe('SQS is moving them back in the background'),
          messages: z.number().int().nonnegative().describe('approximately, when the move started'),
          taskHandle: z.string(),
        }),
      ]),
    ),
  })
  .meta({ id: 'RedriveResult' });
export type RedriveResult = z.infer<typeof RedriveResultSchema>;

export const HealthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });
export type Problem = z.infer<typeof ProblemSchema>;

export const ExplainQuerySchema = z.strictObject({
  topic: TopicSchema.optional().describe('A topic; omitted = the overall score'),
});

export const HistoryQuerySchema = z.strictObject({
  topic: TopicSchema.optional().describe('A topic; omitted = the overall score'),
  days: z.coerce.number().int().min(1).max(365).default(30),
});

export const ExplanationFactorSchema = z.object({
  name: z.string().describe('Stable identifier, e.g. "response", "breadth", "authority"'),
  label: z.string().describe('Readable name'),
  description: z.string().describe('What the factor measures, in one sentence'),
  value: z.number().describe('The measured quantity behind the factor'),
  contribution: z.number().describe('Points of the score this factor accounts for; contributions add up to the score'),
});

export const ExplanationSchema = z
  .object({
    network: z.string(),
    id: z.string(),
    handle: z.string().nullable(),
    topic: TopicSchema.nullable().describe('null for the overall score'),
    score: Score,
    rank: z.number().int().positive().nullable(),
    factors: z.array(ExplanationFactorSchema),
    topEngagers: z.array(
      z.object({
        network: z.string(),
        id: z.string(),
        handle: z.string().nullable(),
        interactions: z.number().int().nonnegative(),
        weight: z.number().describe('Share of the response this engager accounts for, 0-1'),
      }),
    ),
    topContent: z.array(
      z.object({
        contentId: z.string(),
        responses: z.number().int().nonnegative(),
        weight: z.number().describe('Share of the response this content earned, 0-1'),
      }),
    ),
    flags: z
      .array(z.object({ name: z.enum(['ring', 'lockstep', 'farm', 'boosted']), description: z.string() }))
      .describe('Why the anti-gaming signals flag the account (it is then never listed by campaign search); empty for most'),
    computedAt: z.iso.datetime(),
  })
  .meta({ id: 'Explanation' });
export type Explanation = z.infer<typeof ExplanationSchema>;

export const HistoryPointSchema = z.object({ date: z.iso.date(), score: Score });
export const HistorySchema = z.array(HistoryPointSchema).meta({ id: 'History', description: 'One point a day, oldest first' });
export type History = z.infer<typeof HistorySchema>;

export const ProfilePathSchema = z.strictObject({
  profileId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a profile id is 1-64 characters of A-Z, a-z, 0-9, _, . and -'),
});
const ProfileAccountRefSchema = z.strictObject({ network: NetworkSchema, id: z.string().min(1).max(256) });
export const ProfileRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    accounts: z
      .array(ProfileAccountRefSchema)
      .min(1)
      .max(20)
      .refine((accounts) => new Set(accounts.map(({ network, id }) => `${network}:${id}`)).size === accounts.length, 'each account may appear once'),
  })
  .meta({ id: 'ProfileRequest', description: "One person's accounts on several networks" });
export type ProfileRequest = z.infer<typeof ProfileRequestSchema>;
export const ProfileSchema = z
  .object({
    profileId: z.string(),
    name: z.string().nullable(),
    score: Score.nullable().describe("The best score of the profile's accounts; null until one is scored"),
    topics: z.array(z.object({ topic: TopicSchema, score: Score, account: z.object({ network: z.string(), id: z.string() }) })),
    accounts: z.array(z.object({ network: z.string(), id: z.string(), handle: z.string().nullable(), score: Score.nullable() })),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Profile' });
export type Profile = z.infer<typeof ProfileSchema>;

/** `topics=a,b`: distinct topic slugs, at most this many. */
export const MAX_SEARCH_TOPICS = 10;

export const InfluencerSearchQuerySchema = PageQuerySchema.extend({
  topics: z
    .string()
    .max(MAX_SEARCH_TOPICS * 65)
    .describe(`Comma-separated topic slugs, 1-${MAX_SEARCH_TOPICS}`)
    .transform((value) => [...new Set(value.split(',').map((topic) => topic.trim()))])
    .pipe(z.array(TopicSchema).min(1).max(MAX_SEARCH_TOPICS)),
  network: NetworkSchema.optional(),
  minScore: z.coerce.number().min(0).max(100).optional().describe('Lowest relevance listed'),
  maxScore: z.coerce.number().min(0).max(100).optional().describe('Highest relevance listed: niche voices'),
  sort: z.enum(SEARCH_SORTS).default('relevance').describe('relevance (default), or rising: change of relevance over 30 days'),
}).refine(({ minScore, maxScore }) => minScore === undefined || maxScore === undefined || minScore <= maxScore, {
  message: 'minScore must not be above maxScore',
  path: ['minScore'],
});
export type InfluencerSearchQuery = z.infer<typeof InfluencerSearchQuerySchema>;

export const InfluencerSchema = z.object({
  network: z.string(),
  id: z.string(),
  handle: z.string().nullable(),
  score: Score.describe('The overall score'),
  relevance: z.number().min(0).max(100).describe('One number from the scores in the requested topics (docs/SCORING.md, "Campaign search")'),
  rising: z.number().min(-100).max(100).describe('Change of relevance over 30 days'),
  topics: z.array(TopicScoreSchema).describe('The requested topics the account is scored in'),
});
export type Influencer = z.infer<typeof InfluencerSchema>;

export const InfluencerSearchSchema = z.object({ items: z.array(InfluencerSchema), nextCursor: z.string().nullable() }).meta({ id: 'InfluencerSearch' });
export type InfluencerSearch = z.infer<typeof InfluencerSearchSchema>;

export const AudienceQuerySchema = z.strictObject({
  with: z
    .string()
    .max(300)
    .regex(/^[a-z0-9-]{1,32}:.{1,256}$/, 'with must be network:idOrHandle')
    .describe('The other account, as network:idOrHandle'),
  topic: TopicSchema.optional().describe('A topic; omitted = every topic'),
});

export const AudienceSchema = z
  .object({
    engagers: z.number().int().nonnegative().describe('Distinct accounts that engaged with the account in the window'),
    withEngagers: z.number().int().nonnegative().describe("The same, for the account named by 'with'"),
    shared: z.number().int().nonnegative().describe('Engagers of both'),
    jaccard: z.number().min(0).max(1).describe('shared / engagers of either'),
    estimated: z.boolean().describe('true when either audience is larger than the sketch kept of it: shared and jaccard are then estimates'),
  })
  .meta({ id: 'Audience' });
export type Audience = z.infer<typeof AudienceSchema>;

export const PreferencesSchema = z
  .strictObject({ campaigns: z.boolean().describe('false keeps the account out of campaign search') })
  .meta({ id: 'Preferences' });
export type Preferences = z.infer<typeof PreferencesSchema>;
