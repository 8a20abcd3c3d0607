/**
 * Jetstream events → canonical interactions (CONTRACT §2) and retractions. Pure: the same event
 * always gives the same interactions with the same ids, derived from the record's AT URI, so a
 * replayed event is a duplicate and a delete can name what it undoes.
 */
import type { z } from 'zod';
import { RetractionSchema, type Retraction } from '../../interactions/retraction';
import { InteractionSchema, type Interaction } from '../../interactions/schema';
import { hashtagTopics } from '../../topics/extract';
import { canonicalText, ignoredEvents, optional, topicSlugs, type Normalized } from '../normalized';
import { atUri, parseRecordUri } from './at-uri';
import {
  BLUESKY_NETWORK,
  collections,
  CommitSchema,
  FollowRecordSchema,
  IdentitySchema,
  JetstreamEnvelopeSchema,
  PostRecordSchema,
  SubjectRecordSchema,
  type PostRecord,
} from './jetstream-event';

export type JetstreamEvent = z.infer<typeof JetstreamEnvelopeSchema>;

const wantedCollections: ReadonlySet<string> = new Set(Object.values(collections));

/** A frame as Jetstream sends it; null when it is not JSON or not an event (no DID, no time). */
export const readJetstreamFrame = (frame: string): JetstreamEvent | null => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame);
  } catch {
    return null;
  }
  const envelope = JetstreamEnvelopeSchema.safeParse(parsed);
  return envelope.success ? envelope.data : null;
};

export const microsToIso = (timeUs: number): string => new Date(Math.floor(timeUs / 1000)).toISOString();

/**
 * What one event means to Sway. An identity event is the account's own handle; account events,
 * updates, other collections and records that do not follow their lexicon are ignored (counted,
 * nothing stored).
 */
export const normalizeJetstreamEvent = (event: JetstreamEvent): Normalized => {
  if (event.kind === 'identity') return handleOf(event);
  const parsed = event.kind === 'commit' ? CommitSchema.safeParse(event.commit) : undefined;
  if (!parsed?.success) return ignoredEvents();
  const commit = parsed.data;
  const uri = atUri(event.did, commit.collection, commit.rkey);
  const seenAt = microsToIso(event.time_us);
  // Sway keeps what was created; an edited record keeps its id, and its first version counts.
  const interactions = commit.operation === 'create' ? validInteractions(created(event.did, uri, commit.collection, commit.record, seenAt)) : [];
  const retractions = commit.operation === 'delete' ? validRetractions(deleted(uri, commit.collection, seenAt)) : [];
  return interactions.length + retractions.length > 0 ? { interactions, retractions, ignored: 0 } : ignoredEvents();
};

/** Handles are taken only from the account's own identity events: anyone can write any name beside a DID in a post. */
const handleOf = (event: JetstreamEvent): Normalized => {
  const identity = IdentitySchema.safeParse((event as { identity?: unknown }).identity);
  if (!identity.success || identity.data.did !== event.did || !identity.data.handle) return ignoredEvents();
  const handle = identity.data.handle.toLowerCase();
  return { interactions: [], retractions: [], ignored: 0, handles: [{ network: BLUESKY_NETWORK, id: event.did, handle, seenAt: microsToIso(event.time_us) }] };
};

const created = (did: string, uri: string, collection: string, record: unknown, seenAt: string): Interaction[] => {
  const base = { network: BLUESKY_NETWORK, actor: { id: did } };
  switch (collection) {
    case collections.post: {
      const post = PostRecordSchema.safeParse(record);
      return post.success ? postInteractions(uri, post.data, { ...base, occurredAt: occurredAt(post.data.createdAt, seenAt) }) : [];
    }
    case collections.like:
    case collections.repost: {
      const reaction = SubjectRecordSchema.safeParse(record);
      const subject = reaction.success ? parseRecordUri(reaction.data.subject.uri) : null;
      if (!reaction.success || !subject) return [];
      return [
        {
          ...base,
          id: uri,
          type: collection === collections.like ? 'like' : 'share',
          target: { id: subject.did },
          parentContentId: subject.uri,
          occurredAt: occurredAt(reaction.data.createdAt, seenAt),
        },
      ];
    }
    case collections.follow: {
      const follow = FollowRecordSchema.safeParse(record);
      if (!follow.success) return [];
      return [{ ...base, id: uri, type: 'follow', target: { id: follow.data.subject }, occurredAt: occurredAt(follow.data.createdAt, seenAt) }];
    }
    default:
      return [];
  }
};

/** A post's deletion takes back everything the post brought; any other record is one interaction. */
const deleted = (uri: string, collection: string, retractedAt: string): Retraction[] => {
  if (!wantedCollections.has(collection)) return [];
  return [
    collection === collections.post
      ? { kind: 'content', network: BLUESKY_NETWORK, contentId: uri, retractedAt }
      : { kind: 'interaction', network: BLUESKY_NETWORK, id: uri, retractedAt },
  ];
};

/**
 * A post is a `post`, or a `reply` to the parent's author; quoting a post adds a `quote` of its
 * author and each mentioned account a `mention`. All carry the post's URI as their content, so
 * deleting the post retracts every one of them.
 */
const postInteractions = (uri: string, record: PostRecord, base: Pick<Interaction, 'network' | 'actor' | 'occurredAt'>): Interaction[] => {
  const fromPost = { ...base, contentId: uri, ...optional('topics', postTopics(record)) };
  const text = optional('text', canonicalText(record.text));
  const interactions: Interaction[] = [];

  const parent = record.reply ? parseRecordUri(record.reply.parent.uri) : null;
  interactions.push(
    parent
      ? { ...fromPost, ...text, id: uri, type: 'reply', target: { id: parent.did }, parentContentId: parent.uri }
      : { ...fromPost, ...text, id: uri, type: 'post' },
  );

  const quoted = quotedPost(record);
  if (quoted) {
    interactions.push({ ...fromPost, ...text, id: `${uri}#quote`, type: 'quote', target: { id: quoted.did }, parentContentId: quoted.uri });
  }

  for (const did of mentions(record)) {
    interactions.push({ ...fromPost, id: `${uri}#mention:${did}`, type: 'mention', target: { id: did } });
  }
  return interactions;
};

/** `app.bsky.embed.record`, or the record half of `app.bsky.embed.recordWithMedia`, when it is a post. */
const quotedPost = (record: PostRecord) => {
  const embedded = record.embed?.record;
  if (!embedded) return null;
  const ref = 'record' in embedded ? embedded.record : embedded;
  const quoted = parseRecordUri(ref.uri);
  return quoted?.collection === collections.post ? quoted : null;
};

/**
 * Mentioned DIDs in facet order, each once. The text the facet covers (`@alice.example.com`) is
 * not taken as the DID's handle: the poster writes it, and could name any DID anything.
 */
const mentions = (record: PostRecord): Set<string> => {
  const found = new Set<string>();
  for (const facet of record.facets ?? []) {
    for (const feature of facet.features) {
      if (feature.$type === 'app.bsky.richtext.facet#mention' && feature.did) found.add(feature.did);
    }
  }
  return found;
};

/** Tag facets, the post's `tags` and the hashtags of its text, as topic slugs. */
const postTopics = (record: PostRecord): string[] | undefined =>
  topicSlugs([
    ...(record.facets ?? []).flatMap((facet) =>
      facet.features.filter((feature) => feature.$type === 'app.bsky.richtext.facet#tag').map((feature) => feature.tag),
    ),
    ...(record.tags ?? []),
    ...hashtagTopics(record.text),
  ]);

/**
 * When it happened: the record's `createdAt`, but never later than Jetstream saw it — the client
 * sets `createdAt`, and a date in the future must not outlive its decay.
 */
const occurredAt = (createdAt: string | undefined, seenAt: string): string => {
  const created = createdAt ? Date.parse(createdAt) : Number.NaN;
  return Number.isNaN(created) || created > Date.parse(seenAt) ? seenAt : new Date(created).toISOString();
};

const validInteractions = (interactions: Interaction[]): Interaction[] =>
  interactions.filter((interaction) => InteractionSchema.safeParse(interaction).success);

const validRetractions = (retractions: Retraction[]): Retraction[] => retractions.filter((retraction) => RetractionSchema.safeParse(retraction).success);
