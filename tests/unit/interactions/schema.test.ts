import { describe, expect, it } from 'vitest';
import { accountDigest } from '../../../lib/domain/interactions/account-digest';
import {
  INTERACTION_TYPES,
  InteractionSchema,
  MAX_INGEST_BODY_BYTES,
  MAX_INTERACTIONS_PER_REQUEST,
  MAX_TOPICS_PER_INTERACTION,
  NETWORK_PATTERN,
  TOPIC_PATTERN,
  accountKey,
  parseAccountKey,
} from '../../../lib/domain/interactions/schema';

/** A valid like with fixed values; spread over it what the case is about. */
const like = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'like-1',
  network: 'x',
  type: 'like',
  actor: { id: 'alice' },
  target: { id: 'bob' },
  occurredAt: '2026-11-25T10:00:00Z',
  ...overrides,
});

/** What the schema says about a candidate, one `path: message` a line, as a client reads it. */
const problems = (candidate: unknown): string[] => {
  const result = InteractionSchema.safeParse(candidate);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

const topics = (count: number): string[] => Array.from({ length: count }, (_, i) => `topic-${i}`);

describe('the canonical interaction (CONTRACT §2)', () => {
  it('keeps the limits the contract documents', () => {
    expect(MAX_INGEST_BODY_BYTES).toBe(1_048_576);
    expect(MAX_INTERACTIONS_PER_REQUEST).toBe(1000);
    expect(MAX_TOPICS_PER_INTERACTION).toBe(20);
  });

  it('accepts ordinary values and every field exactly at its limit', () => {
    const ordinary = like({
      network: 'bluesky',
      type: 'reply',
      actor: { id: 'did:plc:alice', handle: 'alice.bsky.social' },
      target: { id: 'did:plc:bob', handle: 'bob.bsky.social' },
      contentId: 'at://did:plc:alice/app.bsky.feed.post/1',
      parentContentId: 'at://did:plc:bob/app.bsky.feed.post/9',
      text: 'Nice result #physics',
      topics: ['physics'],
    });
    expect(problems(ordinary)).toEqual([]);
    expect(InteractionSchema.parse(ordinary)).toEqual(ordinary);

    const atLimits = like({
      id: 'i'.repeat(512),
      network: 'n'.repeat(32),
      actor: { id: 'a'.repeat(256), handle: 'h'.repeat(256) },
      target: { id: 'b'.repeat(256), handle: 'g'.repeat(256) },
      contentId: 'c'.repeat(512),
      parentContentId: 'p'.repeat(512),
      text: 't'.repeat(20_000),
      topics: topics(20),
    });
    expect(problems(atLimits)).toEqual([]);

    const atLeast = like({
      id: '1',
      actor: { id: 'a', handle: 'h' },
      target: { id: 'b', handle: 'g' },
      contentId: 'c',
      parentContentId: 'p',
      text: '',
      topics: [],
    });
    expect(problems(atLeast)).toEqual([]);
  });

  it('refuses each field one past its limit, naming the field and the limit', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [like({ id: 'i'.repeat(513) }), /^id: .*<=512 characters/],
      [like({ actor: { id: 'a'.repeat(257) } }), /^actor\.id: .*<=256 characters/],
      [like({ actor: { id: 'a', handle: 'h'.repeat(257) } }), /^actor\.handle: .*<=256 characters/],
      [like({ target: { id: 'b'.repeat(257) } }), /^target\.id: .*<=256 characters/],
      [like({ target: { id: 'b', handle: 'g'.repeat(257) } }), /^target\.handle: .*<=256 characters/],
      [like({ contentId: 'c'.repeat(513) }), /^contentId: .*<=512 characters/],
      [like({ parentContentId: 'p'.repeat(513) }), /^parentContentId: .*<=512 characters/],
      [like({ text: 't'.repeat(20_001) }), /^text: .*<=20000 characters/],
      [like({ topics: topics(21) }), /^topics: .*<=20 items/],
      [like({ id: '' }), /^id: .*>=1 characters/],
      [like({ actor: { id: '' } }), /^actor\.id: .*>=1 characters/],
      [like({ actor: { id: 'a', handle: '' } }), /^actor\.handle: .*>=1 characters/],
      [like({ contentId: '' }), /^contentId: .*>=1 characters/],
      [like({ parentContentId: '' }), /^parentContentId: .*>=1 characters/],
    ];
    for (const [candidate, problem] of cases) expect(problems(candidate)).toEqual([expect.stringMatching(problem)]);
  });

  it('refuses keys it does not know, in the interaction and in its accounts', () => {
    expect(problems(like({ extra: 1 }))).toEqual([': Unrecognized key: "extra"']);
    expect(problems(like({ actor: { id: 'alice', name: 'Alice' } }))).toEqual(['actor: Unrecognized key: "name"']);
    expect(problems(like({ target: { id: 'bob', followers: 3 } }))).toEqual(['target: Unrecognized key: "followers"']);
  });

  it('takes ISO-8601 timestamps with Z or an offset, and nothing else', () => {
    for (const occurredAt of ['2026-11-25T10:00:00Z', '2026-11-25T10:00:00.123Z', '2026-11-25T12:00:00+02:00', '2026-11-25T04:30:00.5-05:30']) {
      expect(problems(like({ occurredAt }))).toEqual([]);
    }
    for (const occurredAt of ['2026-11-25T10:00:00', '2026-11-25', '2026-11-25 10:00:00Z', 'yesterday', '']) {
      expect(problems(like({ occurredAt }))).toEqual(['occurredAt: occurredAt must be an ISO-8601 timestamp']);
    }
  });

  it('refuses a target on a post and requires one on every other type, under target', () => {
    const issues = (candidate: unknown) => InteractionSchema.safeParse(candidate).error?.issues.map(({ code, path, message }) => ({ code, path, message }));
    expect(issues(like({ type: 'post' }))).toEqual([{ code: 'custom', path: ['target'], message: 'a post has no target' }]);
    expect(issues(like({ type: 'post', target: undefined }))).toBeUndefined();
    for (const type of INTERACTION_TYPES.filter((type) => type !== 'post')) {
      expect(issues(like({ type }))).toBeUndefined();
      expect(issues(like({ type, target: undefined }))).toEqual([{ code: 'custom', path: ['target'], message: `a ${type} needs a target` }]);
    }
  });
});

describe('network and topic names', () => {
  it('takes a network of 1 to 32 of a-z, 0-9 and -, and nothing around it', () => {
    for (const network of ['x', 'bluesky', 'my-forum-2', '9', 'n'.repeat(32)]) expect(NETWORK_PATTERN.test(network)).toBe(true);
    for (const network of ['', 'n'.repeat(33), 'Bluesky', 'blue sky', 'bluesky!', '!bluesky', ' bluesky', 'bluesky\n', 'x.com']) {
      expect(NETWORK_PATTERN.test(network)).toBe(false);
    }
    expect(problems(like({ network: 'bluesky' }))).toEqual([]);
    expect(problems(like({ network: 'X Corp' }))).toEqual(['network: network must be 1-32 characters of a-z, 0-9 and -']);
  });

  it('takes a topic slug: a-z or 0-9, then up to 63 of a-z, 0-9 and -', () => {
    for (const topic of ['physics', 'q', '0', '2024', 'quantum-field-theory', 't'.repeat(64)]) expect(TOPIC_PATTERN.test(topic)).toBe(true);
    for (const topic of ['', '-physics', 'physics!', '!physics', ' physics', 'physics\n', 'Physics', 'quantum field', 't'.repeat(65)]) {
      expect(TOPIC_PATTERN.test(topic)).toBe(false);
    }
    expect(problems(like({ topics: ['physics', 'quantum-field-theory'] }))).toEqual([]);
    expect(problems(like({ topics: ['physics', '-physics'] }))).toEqual(['topics.1: topic must match [a-z0-9][a-z0-9-]{0,63}']);
  });
});

describe('account names', () => {
  it('names an account network:id, and reads the name back even when the id holds colons', () => {
    expect(accountKey('x', '42')).toBe('x:42');
    expect(accountKey('bluesky', 'did:plc:abc')).toBe('bluesky:did:plc:abc');
    expect(parseAccountKey('bluesky:did:plc:abc')).toEqual({ network: 'bluesky', id: 'did:plc:abc' });
  });

  it('keeps of an account only a one-way digest of its name: SHA-256, base64url', () => {
    expect(accountDigest('x:42')).toBe('xwZ0H0a3PyUhhOmYaVQj8DpipcOSgZBgzxXaXNW2LNc');
    expect(accountDigest('bluesky:did:plc:abc')).toBe('jehDj9s4Q-on7wMNSYKO_dAAP4pJWWyyuk-fZ8buGFw');
    expect(accountDigest('x:43')).not.toBe(accountDigest('x:42'));
  });
});
