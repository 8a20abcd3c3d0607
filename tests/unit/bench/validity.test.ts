import { describe, expect, it } from 'vitest';
import { spearman } from '../../../bench/validity';

describe("the validity benchmark's Spearman correlation", () => {
  it('is 1 for the same order, −1 for the reverse, whatever the scale', () => {
    expect(spearman([1, 2, 3, 4], [10, 200, 3000, 40000])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [9, 7, 5, -1])).toBeCloseTo(-1, 12);
  });

  it('gives ties their average rank', () => {
    // Ranks x: 1, 2.5, 2.5, 4; y: 1, 2, 3, 4 — Pearson of the ranks.
    const rx = [1, 2.5, 2.5, 4];
    const ry = [1, 2, 3, 4];
    const mean = 2.5;
    const covariance = rx.reduce((sum, r, i) => sum + (r - mean) * (ry[i]! - mean), 0);
    const expected = covariance / Math.sqrt(rx.reduce((sum, r) => sum + (r - mean) ** 2, 0) * ry.reduce((sum, r) => sum + (r - mean) ** 2, 0));
    expect(spearman([0, 5, 5, 9], [1, 2, 3, 4])).toBeCloseTo(expected, 12);
    expect(expected).toBeLessThan(1);
  });
});
