import { describe, expect, it } from 'vitest';
import { calibrate, scoreTopic } from '../../lib/scoring/first-score';
import type { EngagementAggregate } from '../../lib/scoring/engagement';

const asOf = new Date('2026-11-25T00:00:00Z');
const edge = (author: string, engager: string, counts: EngagementAggregate['counts'], day = '2026-11-24'): EngagementAggregate => ({
  author,
  engager,
  day,
  counts,
});

describe('the first score', () => {
  it('ranks by response from distinct engagers, weighted by type', () => {
    const scored = scoreTopic(
      [
        edge('x:a', 'x:1', { reply: 1 }),
        edge('x:a', 'x:2', { reply: 1 }),
        edge('x:b', 'x:1', { like: 1 }),
        edge('x:b', 'x:2', { like: 1 }),
        edge('x:c', 'x:1', { like: 1 }),
      ],
      asOf,
    );
    expect(scored.map((entry) => entry.account)).toEqual(['x:a', 'x:b', 'x:c']);
    expect(scored[0]?.score).toBe(100);
    expect(scored.every((entry) => entry.score >= 1 && entry.score <= 100)).toBe(true);
  });

  it('gives many reactions from one engager less than the same number from distinct engagers', () => {
    const scored = scoreTopic(
      [
        edge('x:farmed', 'x:bot', { like: 20 }),
        ...Array.from({ length: 20 }, (_, i) => edge('x:liked', `x:fan${i}`, { like: 1 })),
      ],
      asOf,
    );
    expect(scored.map((entry) => entry.account)).toEqual(['x:liked', 'x:farmed']);
  });

  it('ignores self-interactions and engagements older than the window, and decays the rest', () => {
    const scored = scoreTopic(
      [
        edge('x:self', 'x:self', { reply: 50 }),
        edge('x:old', 'x:1', { reply: 5 }, '2026-07-01'),
        edge('x:recent', 'x:1', { reply: 1 }, '2026-11-24'),
        edge('x:month', 'x:1', { reply: 1 }, '2026-10-25'),
      ],
      asOf,
    );
    expect(scored.map((entry) => entry.account)).toEqual(['x:recent', 'x:month']);
  });

  it('is the same whatever the order of its input', () => {
    const edges = Array.from({ length: 200 }, (_, i) => edge(`x:a${i % 17}`, `x:e${(i * 7) % 31}`, { like: 1 + (i % 3), reply: i % 2 }, `2026-11-${String(1 + (i % 24)).padStart(2, '0')}`));
    const shuffled = [...edges].sort(() => Math.random() - 0.5);
    expect(scoreTopic(shuffled, asOf)).toEqual(scoreTopic(edges, asOf));
  });

  it('calibrates to 1–100 with one decimal', () => {
    expect(calibrate(0, 10)).toBe(1);
    expect(calibrate(10, 10)).toBe(100);
    const middle = calibrate(3, 10);
    expect(middle).toBeGreaterThan(1);
    expect(middle).toBeLessThan(100);
    expect(Math.round(middle * 10)).toBe(middle * 10);
  });
});
