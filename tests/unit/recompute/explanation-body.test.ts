/**
 * An explanation as a topic's explanation file holds it: written as a compact array, read back to
 * the same factors, engagers, content and flags (as a body built without the text has them); a body
 * written before, as an object, reads the same.
 */
import { describe, expect, it } from 'vitest';
import { decodeExplanationBody, encodeExplanationBody, explanationBodyOf } from '../../../lib/app/recompute/explanation-body';
import type { AuthorScore } from '../../../lib/domain/scoring/author-scores';

const entry: AuthorScore = {
  account: 'bluesky:did:plc:author',
  score: 42.5,
  logScore: 3.25,
  factors: [
    { name: 'base', value: 1, contribution: 1 },
    { name: 'response', value: 12.345, contribution: 30.12 },
    { name: 'breadth', value: 4.5, contribution: 8.38 },
    { name: 'efficiency', value: 0.75, contribution: 3 },
  ],
  topEngagers: [
    { account: 'bluesky:did:plc:e1', interactions: 3, weight: 0.6 },
    { account: 'x:"quoted"\nline', interactions: 1, weight: 0.4 },
  ],
  flags: 0,
};
const content = [
  { contentId: 'at://did:plc:author/app.bsky.feed.post/1', responses: 3 },
  { contentId: 'post,with[brackets]', responses: 1 },
];
const expectedContent = [
  { contentId: 'at://did:plc:author/app.bsky.feed.post/1', responses: 3, weight: 0.75 },
  { contentId: 'post,with[brackets]', responses: 1, weight: 0.25 },
];

describe('explanation bodies', () => {
  it('read back what was written, each piece of content weighted by its share of the responses', () => {
    const body = encodeExplanationBody(entry, content);
    expect(body.startsWith('[')).toBe(true);
    expect(decodeExplanationBody(body)).toEqual({
      score: 42.5,
      factors: entry.factors,
      topEngagers: entry.topEngagers,
      topContent: expectedContent,
      flags: 0,
    });
  });

  it('are built without the text exactly as they read back', () => {
    const cases: [AuthorScore, { contentId: string; responses: number }[]][] = [
      [entry, content],
      [{ ...entry, topEngagers: [], flags: 5 }, []],
      [
        { ...entry, score: 0.1 + 0.2 },
        [
          { contentId: 'thirds', responses: 1 },
          { contentId: 'rest', responses: 2 },
        ],
      ],
    ];
    for (const [scored, pieces] of cases) expect(explanationBodyOf(scored, pieces)).toStrictEqual(decodeExplanationBody(encodeExplanationBody(scored, pieces)));
  });

  it('keep an author’s flags, and an author without content or engagers', () => {
    const bare = { ...entry, topEngagers: [], flags: 5 };
    expect(decodeExplanationBody(encodeExplanationBody(bare, []))).toEqual({ score: 42.5, factors: entry.factors, topEngagers: [], topContent: [], flags: 5 });
  });

  it('are shorter than the object they replace', () => {
    const before = JSON.stringify({ topic: 'rust', score: entry.score, factors: entry.factors, topEngagers: entry.topEngagers, topContent: expectedContent });
    expect(encodeExplanationBody(entry, content).length).toBeLessThan(before.length * 0.6);
  });

  it('read a body written before as an object, with or without flags', () => {
    const written = { topic: 'rust', score: entry.score, factors: entry.factors, topEngagers: entry.topEngagers, topContent: expectedContent };
    expect(decodeExplanationBody(JSON.stringify(written))).toEqual({ ...written, topic: undefined, flags: 0 });
    expect(decodeExplanationBody(JSON.stringify({ ...written, flags: 2 })).flags).toBe(2);
  });
});
