import { describe, expect, it } from 'vitest';
import { rankCandidates, relevanceOf, type SearchBoardEntry } from '../../../lib/domain/search/relevance';

const entry = (id: string, score: number, extra: Partial<SearchBoardEntry> = {}): SearchBoardEntry => ({
  network: 'x',
  id,
  handle: `${id}-h`,
  score,
  before: score,
  ...extra,
});
const query = (topics: string[], more: { minScore?: number; maxScore?: number; sort?: 'relevance' | 'rising' } = {}) => ({
  topics,
  sort: 'relevance' as const,
  ...more,
});

describe('relevance', () => {
  it('is the score for one topic, and rewards mattering in several topics over one', () => {
    expect(relevanceOf([63.4])).toBe(63.4);
    expect(relevanceOf([80, 0])).toBe(20);
    expect(relevanceOf([40, 40])).toBe(40);
    expect(relevanceOf([80, 80])).toBe(80);
    expect(relevanceOf([60, 20])).toBeGreaterThan(relevanceOf([80, 0]));
    expect(relevanceOf([])).toBe(0);
  });

  it('lies between the geometric and the arithmetic mean', () => {
    for (const scores of [
      [10, 90],
      [1, 100, 50],
      [33.3, 66.6],
    ]) {
      const arithmetic = scores.reduce((a, b) => a + b) / scores.length;
      const geometric = Math.exp(scores.reduce((a, b) => a + Math.log(b), 0) / scores.length);
      expect(relevanceOf(scores)).toBeLessThanOrEqual(arithmetic);
      expect(relevanceOf(scores)).toBeGreaterThanOrEqual(Math.floor(geometric * 10) / 10);
    }
  });
});

describe('ranking candidates', () => {
  const rust = [entry('star', 90), entry('both', 60), entry('ring', 70, { flags: 1 }), entry('small', 10, { before: 0 })];
  const wasm = [entry('both', 60), entry('wasm-only', 50), entry('ring', 40)];

  it('orders by relevance over the union of the boards, without flagged accounts (flagged in any topic)', () => {
    const ranked = rankCandidates(query(['rust', 'wasm']), [rust, wasm]);
    expect(ranked.map((candidate) => candidate.id)).toEqual(['both', 'star', 'wasm-only', 'small']);
    expect(ranked[1]).toMatchObject({ id: 'star', relevance: 22.5, scores: [90, 0], handle: 'star-h' });
  });

  it('takes a score the board does not list from the known scores', () => {
    const ranked = rankCandidates(query(['rust', 'wasm']), [rust, wasm], new Map([['x:wasm-only', new Map([['rust', 50]])]]));
    expect(ranked.find((candidate) => candidate.id === 'wasm-only')).toMatchObject({ relevance: 50, scores: [50, 50], rising: 0 });
  });

  it('bounds relevance, and orders by rising with ties by relevance then by account', () => {
    expect(rankCandidates(query(['rust'], { maxScore: 60 }), [rust]).map((candidate) => candidate.id)).toEqual(['both', 'small']);
    expect(rankCandidates(query(['rust'], { minScore: 60 }), [rust]).map((candidate) => candidate.id)).toEqual(['star', 'both']);
    const rising = rankCandidates(query(['rust'], { sort: 'rising' }), [rust]);
    expect(rising.map((candidate) => [candidate.id, candidate.rising])).toEqual([
      ['small', 10],
      ['star', 0],
      ['both', 0],
    ]);
  });
});
