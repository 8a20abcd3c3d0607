import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { audienceOverlap, decodeAudienceSketch, encodeAudienceSketch, type AudienceSketch } from '../../../lib/domain/search/audience';

/** The sketch the recompute keeps (lib/app/aggregation/topic-window.ts): the smallest 256 of DuckDB's `md5_number_lower(name) >> 32`, MD5's last four bytes read little-endian. */
const sketchOf = (engagers: readonly string[]): AudienceSketch => {
  const hashes = engagers.map((name) => createHash('md5').update(name).digest().readUInt32LE(12)).sort((a, b) => a - b);
  return { engagers: engagers.length, sketch: hashes.slice(0, 256) };
};
const names = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `x:${prefix}-${i}`);

describe('audience overlap', () => {
  it('is exact while both audiences fit their sketches', () => {
    const a = sketchOf([...names('a', 50), ...names('shared', 20)]);
    const b = sketchOf([...names('b', 100), ...names('shared', 20)]);
    expect(audienceOverlap(a, b)).toEqual({ engagers: 70, withEngagers: 120, shared: 20, jaccard: Math.round((20 / 170) * 1000) / 1000, estimated: false });
    expect(audienceOverlap(a, sketchOf([]))).toEqual({ engagers: 70, withEngagers: 0, shared: 0, jaccard: 0, estimated: false });
  });

  it('estimates large audiences within a few percent of the truth', () => {
    for (const [own, shared, other] of [
      [5_000, 5_000, 5_000],
      [20_000, 2_000, 500],
      [3_000, 0, 3_000],
      [1_000, 9_000, 1_000],
    ] as const) {
      const a = sketchOf([...names('a', own), ...names('s', shared)]);
      const b = sketchOf([...names('b', other), ...names('s', shared)]);
      const overlap = audienceOverlap(a, b);
      const truth = shared / (own + shared + other);
      expect(overlap.estimated).toBe(true);
      expect(Math.abs(overlap.jaccard - truth)).toBeLessThan(0.1);
      expect(Math.abs(overlap.shared - shared)).toBeLessThanOrEqual(Math.max(50, 0.25 * shared));
    }
  });

  it('reads back what it stores', () => {
    const sketch = sketchOf(names('a', 300));
    expect(decodeAudienceSketch(encodeAudienceSketch(sketch))).toEqual(sketch);
  });
});
