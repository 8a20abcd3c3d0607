/**
 * Jetstream's JSON events, as its documentation describes them, and the records of the four
 * collections Sway reads. Records are validated only as far as Sway reads them: lexicons grow
 * fields, and a field Sway does not know must not make an event unreadable.
 */
import { z } from 'zod';
import { DID_PATTERN, MAX_DID_LENGTH } from './did';

export const BLUESKY_NETWORK = 'bluesky';

/** The collections Sway asks Jetstream for (`wantedCollections`). */
export const collections = {
  post: 'app.bsky.feed.post',
  like: 'app.bsky.feed.like',
  repost: 'app.bsky.feed.repost',
  follow: 'app.bsky.graph.follow',
} as const;

export const DidSchema = z.string().regex(DID_PATTERN).max(MAX_DID_LENGTH);

/** Every event: who, when (Jetstream's clock, the cursor unit), what kind, and the kind's own fields. */
export const JetstreamEnvelopeSchema = z.looseObject({
  did: DidSchema,
  time_us: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  kind: z.string(),
});

const Nsid = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9-]*(\.[a-zA-Z0-9-]+)+$/)
  .max(317);
const RecordKey = z.string().regex(/^[A-Za-z0-9._:~-]{1,512}$/);

export const CommitSchema = z.discriminatedUnion('operation', [
  z.object({
    operation: z.enum(['create', 'update']),
    rev: z.string(),
    collection: Nsid,
    rkey: RecordKey,
    record: z.record(z.string(), z.unknown()),
    cid: z.string(),
  }),
  z.object({
    operation: z.literal('delete'),
    rev: z.string(),
    collection: Nsid,
    rkey: RecordKey,
  }),
]);
export type Commit = z.infer<typeof CommitSchema>;

/**
 * An `identity` event: the account's handle as its DID document now states it, which only the
 * account can change. Absent when the handle no longer verifies.
 */
export const IdentitySchema = z.object({
  did: DidSchema,
  handle: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{0,252}$/i)
    .optional(),
});

/** `com.atproto.repo.strongRef`: a record by its AT URI and content hash. */
const StrongRef = z.object({ uri: z.string(), cid: z.string() });

const Facet = z.object({
  index: z.object({ byteStart: z.number().int().nonnegative(), byteEnd: z.number().int().nonnegative() }),
  features: z.array(z.object({ $type: z.string(), did: z.string().optional(), tag: z.string().optional() })),
});

const Embed = z.object({
  $type: z.string(),
  /** `app.bsky.embed.record`: a strongRef; `app.bsky.embed.recordWithMedia`: an `app.bsky.embed.record`. */
  record: z.union([StrongRef, z.object({ record: StrongRef })]).optional(),
});

const CreatedAt = z.string().optional();

/** Facets, tags and embeds that do not follow the lexicon are left out; the post still counts. */
export const PostRecordSchema = z.object({
  text: z.string(),
  createdAt: CreatedAt,
  facets: z.array(Facet).optional().catch(undefined),
  tags: z.array(z.string()).optional().catch(undefined),
  reply: z.object({ root: StrongRef, parent: StrongRef }).optional(),
  embed: Embed.optional().catch(undefined),
});
export type PostRecord = z.infer<typeof PostRecordSchema>;

/** `app.bsky.feed.like` and `app.bsky.feed.repost` share this shape. */
export const SubjectRecordSchema = z.object({ subject: StrongRef, createdAt: CreatedAt });

export const FollowRecordSchema = z.object({ subject: DidSchema, createdAt: CreatedAt });
