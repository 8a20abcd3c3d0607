import { describe, expect, it } from 'vitest';
import { parseIngestRequest } from '../../lib/app/ingestion/parse-ingest-request';
import { ingestInteractions, toMessages } from '../../lib/app/ingestion/ingest-interactions';
import { MAX_MESSAGE_BYTES } from '../../lib/adapters/queue/message-queue';
import { interaction } from '../support/interactions';

const body = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('parseIngestRequest', () => {
  it('accepts a valid batch', () => {
    const parsed = parseIngestRequest(body({ interactions: [interaction({ type: 'like' }), interaction({ type: 'post' })] }));
    expect(parsed.ok && parsed.interactions.map((item) => item.type)).toEqual(['like', 'post']);
  });

  it('calls a body that is not JSON not-json', () => {
    expect(parseIngestRequest(Buffer.from('{"interactions": ['))).toMatchObject({ ok: false, problem: 'not-json' });
  });

  it('names every invalid item by index with its reasons', () => {
    const parsed = parseIngestRequest(
      body({
        interactions: [
          interaction({ type: 'like' }),
          { ...interaction({ type: 'post' }), target: { id: 'x' } },
          interaction({ type: 'reply' }),
          { ...interaction({ type: 'share' }), topics: ['Not A Slug'], occurredAt: 'yesterday' },
        ],
      }),
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok || parsed.problem !== 'invalid') return;
    expect(parsed.errors.map((error) => error.index)).toEqual([1, 3]);
    expect(parsed.errors[0]?.reason).toContain('a post has no target');
    expect(parsed.errors[1]?.reason).toMatch(/topics\.0: topic must match/);
    expect(parsed.errors[1]?.reason).toMatch(/occurredAt/);
  });

  it('takes from 1 to 1000 interactions in one request', () => {
    for (const count of [1, 1000]) {
      const parsed = parseIngestRequest(body({ interactions: Array.from({ length: count }, (_, i) => interaction({ type: 'like', id: `like-${i}` })) }));
      expect(parsed.ok && parsed.interactions.length).toBe(count);
    }
  });

  it('tells the client which field of which item is wrong and why', () => {
    const parsed = parseIngestRequest(
      body({
        interactions: [
          { ...interaction({ type: 'like' }), actor: { id: 'a'.repeat(257) } },
          { ...interaction({ type: 'like' }), target: undefined },
          { ...interaction({ type: 'like' }), network: 'X Corp', occurredAt: '2026-11-25T10:00:00' },
          { ...interaction({ type: 'like' }), extra: 1 },
          { ...interaction({ type: 'like' }), text: 't'.repeat(20_001) },
        ],
      }),
    );
    expect(!parsed.ok && parsed.problem === 'invalid' && parsed.errors.map(({ index, reason }) => ({ index, reason }))).toEqual([
      { index: 0, reason: 'actor.id: Too big: expected string to have <=256 characters' },
      { index: 1, reason: 'target: a like needs a target' },
      { index: 2, reason: 'network: network must be 1-32 characters of a-z, 0-9 and -; occurredAt: occurredAt must be an ISO-8601 timestamp' },
      { index: 3, reason: 'Unrecognized key: "extra"' },
      { index: 4, reason: 'text: Too big: expected string to have <=20000 characters' },
    ]);
  });

  it('refuses a request with keys beside interactions', () => {
    const parsed = parseIngestRequest(body({ interactions: [interaction({ type: 'like' })], source: 'import' }));
    expect(!parsed.ok && parsed.problem === 'invalid' && parsed.errors).toEqual([{ path: '', reason: 'Unrecognized key: "source"' }]);
  });

  it('rejects a request that is not an ingest request at all', () => {
    for (const value of [[], { interactions: [] }, { items: [] }, { interactions: Array.from({ length: 1001 }, () => interaction({ type: 'like' })) }]) {
      const parsed = parseIngestRequest(body(value));
      expect(parsed).toMatchObject({ ok: false, problem: 'invalid' });
    }
  });

  it('rejects unknown fields, networks that are not slugs and a reaction without target', () => {
    const cases = [
      { ...interaction({ type: 'like' }), extra: 1 },
      { ...interaction({ type: 'like' }), network: 'X Corp' },
      { ...interaction({ type: 'like' }), target: undefined },
    ];
    const parsed = parseIngestRequest(body({ interactions: cases }));
    expect(!parsed.ok && parsed.problem === 'invalid' && parsed.errors.map((error) => error.index)).toEqual([0, 1, 2]);
  });
});

describe('ingestInteractions', () => {
  it('queues only interactions not seen before, and counts the rest as duplicates', async () => {
    const sent: string[] = [];
    const a = interaction({ type: 'like', id: 'a' });
    const b = interaction({ type: 'like', id: 'b' });
    const c = interaction({ type: 'like', id: 'c' });
    const result = await ingestInteractions(
      [a, b, a, c],
      {
        queue: { send: async (_queue, bodies) => void sent.push(...bodies) },
        appliedInteractions: async () => new Set(['x:c']),
      },
      new Date('2026-11-25T00:00:00Z'),
    );
    expect(result).toEqual({ accepted: 2, duplicates: 2, ignored: 0 });
    expect(sent.flatMap((message) => JSON.parse(message).interactions.map((item: { id: string }) => item.id))).toEqual(['a', 'b']);
  });

  it('splits a large delivery into messages below the size limit', () => {
    const big = Array.from({ length: 300 }, (_, i) => interaction({ type: 'reply', id: `big-${i}`, text: 'x'.repeat(2000) }));
    const messages = toMessages(big, '2026-11-25T00:00:00Z');
    expect(messages.length).toBeGreaterThan(3);
    expect(messages.every((message) => Buffer.byteLength(message) < MAX_MESSAGE_BYTES)).toBe(true);
    expect(messages.flatMap((message) => JSON.parse(message).interactions).length).toBe(300);
  });
});
