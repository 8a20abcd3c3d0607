import { describe, expect, it } from 'vitest';
import { RetractionSchema } from '../../../lib/domain/interactions/retraction';
import { InteractionSchema } from '../../../lib/domain/interactions/schema';
import { parseRecordUri } from '../../../lib/domain/networks/bluesky/at-uri';
import { microsToIso, normalizeJetstreamEvent, readJetstreamFrame } from '../../../lib/domain/networks/bluesky/normalize';
import { malformedFrames, people, recordedStream, uriOf, type RecordedEvent } from '../../support/bluesky-fixtures';

const { ana, bo, chen, dara, eli } = people;
const stream = recordedStream();
const normalize = (event: RecordedEvent | object) => normalizeJetstreamEvent(readJetstreamFrame(JSON.stringify(event))!);
const at = (index: number) => microsToIso(stream[index]!.time_us);
const createdAt = (index: number) => String(stream[index]!.commit!.record!.createdAt);
const anaPost = uriOf(stream[0]!);
const nothing = { interactions: [], retractions: [], ignored: 1 };

describe('Bluesky: Jetstream events to canonical interactions', () => {
  it('makes a post of a post, with its tag facets as topics and its createdAt as the time', () => {
    expect(normalize(stream[0]!)).toEqual({
      interactions: [
        {
          id: anaPost,
          network: 'bluesky',
          type: 'post',
          actor: { id: ana },
          contentId: anaPost,
          text: 'Morning light over the Douro 🌅 #photography #Porto',
          topics: ['photography', 'porto'],
          occurredAt: createdAt(0),
        },
      ],
      retractions: [],
      ignored: 0,
    });
  });

  it("makes a reply to the parent's author and a mention, without the handle the poster wrote beside it", () => {
    const reply = uriOf(stream[4]!);
    const { interactions } = normalize(stream[4]!);
    expect(interactions).toEqual([
      expect.objectContaining({ id: reply, type: 'reply', actor: { id: chen }, target: { id: ana }, contentId: reply, parentContentId: anaPost }),
      {
        id: `${reply}#mention:${ana}`,
        network: 'bluesky',
        type: 'mention',
        actor: { id: chen },
        // Anyone can write any name at a mention: only the account's identity events name it.
        target: { id: ana },
        contentId: reply,
        occurredAt: createdAt(4),
      },
    ]);
    expect(interactions[0]!.text).toBe('Ótima foto, @ana-lima.bsky.social! Qual lente? 📷');
  });

  it("targets the parent's author in a thread, not the root's", () => {
    const [reply] = normalize(stream[7]!).interactions;
    expect(reply).toMatchObject({ type: 'reply', actor: { id: ana }, target: { id: chen }, parentContentId: uriOf(stream[4]!) });
  });

  it('makes a post and a quote of a quote with media, topics from facets, tags and text', () => {
    const quote = uriOf(stream[6]!);
    expect(normalize(stream[6]!).interactions).toEqual([
      expect.objectContaining({ id: quote, type: 'post', actor: { id: eli }, contentId: quote, topics: ['photography', 'landscape'] }),
      expect.objectContaining({
        id: `${quote}#quote`,
        type: 'quote',
        actor: { id: eli },
        target: { id: ana },
        contentId: quote,
        parentContentId: anaPost,
        topics: ['photography', 'landscape'],
      }),
    ]);
  });

  it('makes a like, a share and a follow of the subject, each with the id of its own record', () => {
    expect(normalize(stream[2]!).interactions).toEqual([
      { id: uriOf(stream[2]!), network: 'bluesky', type: 'like', actor: { id: bo }, target: { id: ana }, parentContentId: anaPost, occurredAt: createdAt(2) },
    ]);
    expect(normalize(stream[3]!).interactions).toEqual([
      {
        id: uriOf(stream[3]!),
        network: 'bluesky',
        type: 'share',
        actor: { id: chen },
        target: { id: ana },
        parentContentId: anaPost,
        occurredAt: createdAt(3),
      },
    ]);
    expect(normalize(stream[5]!).interactions).toEqual([
      { id: uriOf(stream[5]!), network: 'bluesky', type: 'follow', actor: { id: dara }, target: { id: ana }, occurredAt: createdAt(5) },
    ]);
  });

  it("likes a feed generator as engagement with its creator's content", () => {
    expect(normalize(stream[15]!).interactions).toEqual([
      expect.objectContaining({ type: 'like', actor: { id: dara }, target: { id: ana }, parentContentId: `at://${ana}/app.bsky.feed.generator/golden-hour` }),
    ]);
  });

  it('retracts the one record an un-like, unrepost or unfollow deletes, and everything a deleted post brought', () => {
    expect(normalize(stream[10]!)).toEqual({
      interactions: [],
      retractions: [{ kind: 'interaction', network: 'bluesky', id: uriOf(stream[2]!), retractedAt: at(10) }],
      ignored: 0,
    });
    expect(normalize(stream[11]!)).toEqual({
      interactions: [],
      retractions: [{ kind: 'content', network: 'bluesky', contentId: uriOf(stream[6]!), retractedAt: at(11) }],
      ignored: 0,
    });
  });

  it('makes a post without topics of a post whose only facet is a link', () => {
    expect(normalize(stream[14]!).interactions).toEqual([
      expect.objectContaining({ type: 'post', actor: { id: bo }, text: '今日の東京は晴れ。写真はこちら example.com/tokyo' }),
    ]);
    expect(normalize(stream[14]!).interactions[0]).not.toHaveProperty('topics');
  });

  it('takes an identity event as the handle the account publishes for itself', () => {
    const identity = stream[1]!;
    expect(normalize(identity)).toEqual({
      interactions: [],
      retractions: [],
      ignored: 0,
      handles: [{ network: 'bluesky', id: identity.did, handle: 'bo.example.org', seenAt: new Date(Math.floor(identity.time_us / 1000)).toISOString() }],
    });
    // An identity event for another DID than the event's, or without a handle that verifies, names nothing.
    const forged = { ...identity, identity: { ...(identity as unknown as { identity: Record<string, unknown> }).identity, did: ana } };
    expect(normalize(forged)).toEqual(nothing);
    const unverified = { ...identity, identity: { did: identity.did, seq: 1, time: '2026-11-20T12:00:01.400Z' } };
    expect(normalize(unverified)).toEqual(nothing);
  });

  it('finds nothing in account events, updates, or other collections', () => {
    for (const index of [8, 13]) expect(normalize(stream[index]!)).toEqual(nothing);
    const block = { ...stream[12]!, commit: { ...stream[12]!.commit!, collection: 'app.bsky.graph.block' } };
    expect(normalize(block)).toEqual(nothing);
    expect(normalize({ ...block, commit: { ...block.commit, operation: 'delete', record: undefined } })).toEqual(nothing);
  });

  it('gives every event of the stream the same interactions each time: a replay maps to the same ids', () => {
    const first = stream.map(normalize);
    const again = stream.map(normalize);
    expect(again).toEqual(first);
    const interactions = first.flatMap((event) => event.interactions);
    expect(interactions).toHaveLength(13);
    expect(new Set(interactions.map((interaction) => interaction.id)).size).toBe(13);
    for (const interaction of interactions) expect(InteractionSchema.safeParse(interaction).success).toBe(true);
    for (const retraction of first.flatMap((event) => event.retractions)) expect(RetractionSchema.safeParse(retraction).success).toBe(true);
  });

  it('never dates an interaction later than Jetstream saw it', () => {
    const like = stream[2]!;
    const withCreatedAt = (value: unknown) => normalize({ ...like, commit: { ...like.commit!, record: { ...like.commit!.record, createdAt: value } } });
    expect(withCreatedAt('2099-01-01T00:00:00Z').interactions[0]!.occurredAt).toBe(at(2));
    expect(withCreatedAt('yesterday').interactions[0]!.occurredAt).toBe(at(2));
    expect(withCreatedAt('2026-11-01T08:00:00+02:00').interactions[0]!.occurredAt).toBe('2026-11-01T06:00:00.000Z');
  });

  it('keeps a post whose facets or embed do not follow the lexicon, without them', () => {
    const quote = stream[6]!;
    const [post, ...rest] = normalize({
      ...quote,
      commit: { ...quote.commit!, record: { ...quote.commit!.record, facets: [{ index: 'start' }], embed: { record: 42 } } },
    }).interactions;
    expect(rest).toEqual([]);
    expect(post).toMatchObject({ type: 'post', actor: { id: eli }, topics: ['landscape', 'photography'] });
  });

  it('keeps at most 20 topics, as slugs', () => {
    const post = stream[0]!;
    const tags = Array.from({ length: 30 }, (_, i) => `Tag_${String(i).padStart(2, '0')}`);
    const [interaction] = normalize({ ...post, commit: { ...post.commit!, record: { ...post.commit!.record, tags } } }).interactions;
    expect(interaction!.topics).toHaveLength(20);
    expect(interaction!.topics![0]).toBe('photography');
    expect(interaction!.topics).toContain('tag-00');
  });

  it('reads records from commit events only', () => {
    const account = stream[8]!;
    // An event of another kind names no record, even if it carries something shaped like a commit.
    expect(normalize({ ...account, commit: stream[0]!.commit })).toEqual(nothing);
  });

  it('finds nothing in a follow whose subject is not a DID', () => {
    const follow = stream[5]!;
    expect(normalize({ ...follow, commit: { ...follow.commit!, record: { ...follow.commit!.record, subject: 'ana-lima.bsky.social' } } })).toEqual(nothing);
  });

  it('makes a post, and no quote, of a post that embeds a record that is not a post', () => {
    const quote = stream[6]!;
    const embedding = (uri: string) =>
      normalize({
        ...quote,
        commit: {
          ...quote.commit!,
          record: { ...quote.commit!.record, embed: { $type: 'app.bsky.embed.record', record: { uri, cid: quote.commit!.record!.embed.record.record.cid } } },
        },
      }).interactions.map((interaction) => interaction.type);
    // A feed generator (or a list) embedded in a post.
    expect(embedding(`at://${ana}/app.bsky.feed.generator/golden-hour`)).toEqual(['post']);
    // A record named by handle: no account Sway can credit.
    expect(embedding('at://ana-lima.bsky.social/app.bsky.feed.post/3n2qjxwmx5e25')).toEqual(['post']);
  });

  it('takes mentions from mention facets only and topics from tag facets only, whatever other features carry', () => {
    const post = stream[0]!;
    const record = post.commit!.record!;
    // Features of other lexicons (custom emoji, labels of other apps) may carry a did or a tag of their own.
    const others = [
      { index: { byteStart: 0, byteEnd: 7 }, features: [{ $type: 'blue.moji.richtext.facet', did: dara, name: ':sunrise:' }] },
      { index: { byteStart: 8, byteEnd: 13 }, features: [{ $type: 'com.example.richtext.facet#label', tag: 'sponsored' }] },
    ];
    const { interactions } = normalize({ ...post, commit: { ...post.commit!, record: { ...record, facets: [...record.facets, ...others] } } });
    expect(interactions).toEqual([expect.objectContaining({ id: anaPost, type: 'post', topics: ['photography', 'porto'] })]);
  });

  it('keeps only what an interaction can hold: nothing from a record whose AT URI is too long for an id', () => {
    // Record keys run to 512 characters; an interaction id, or a contentId, to 512 in all.
    const like = stream[2]!;
    const longKey = { ...like, commit: { ...like.commit!, rkey: 'k'.repeat(500) } };
    expect(normalize(longKey)).toEqual(nothing);
    expect(normalize({ ...longKey, commit: { ...longKey.commit, operation: 'delete', record: undefined } })).toEqual(nothing);
  });

  it('reads malformed frames as nothing, without throwing', () => {
    const frames = malformedFrames();
    const events = frames.map(readJetstreamFrame);
    expect(events.filter((event) => event === null)).toHaveLength(4);
    for (const event of events) if (event) expect(normalizeJetstreamEvent(event)).toEqual(nothing);
  });

  it('takes AT URIs apart only when their repository is a DID', () => {
    expect(parseRecordUri(anaPost)).toEqual({ uri: anaPost, did: ana, collection: 'app.bsky.feed.post', rkey: stream[0]!.commit!.rkey });
    expect(parseRecordUri('at://ana-lima.bsky.social/app.bsky.feed.post/3lbq')).toBeNull();
    expect(parseRecordUri(`at://${ana}`)).toBeNull();
    expect(parseRecordUri('https://bsky.app/profile/ana')).toBeNull();
    // The whole of it: not a link that carries an AT URI, nor an AT URI with more after the record key.
    expect(parseRecordUri(`https://bsky.app/search?q=${anaPost}`)).toBeNull();
    expect(parseRecordUri(`${anaPost}/likes`)).toBeNull();
  });
});
