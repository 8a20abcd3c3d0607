/**
 * The calibration to 1–100 (docs/SCORING.md, "Calibration") by hand-computed examples, and the
 * counting sort under it all: exact numbers at every anchor and between them.
 */
import { describe, expect, it } from 'vitest';
import { calibratedScore, calibrationFor, MIN_POPULATION, roundScore } from '../../../lib/domain/scoring/calibration';
import { groupByKey } from '../../../lib/domain/scoring/counting-sort';

describe('calibration', () => {
  it('maps nothing scored to 1 everywhere', () => {
    for (const logScores of [[], [0, 0], [-1, 0]]) expect(calibrationFor(logScores)).toEqual({ logScores: [], scores: [] });
    expect(calibratedScore({ logScores: [], scores: [] }, 5)).toBe(1);
  });

  it('scales a population under MIN_POPULATION linearly from 0 to its top, ignoring unscored accounts', () => {
    const calibration = calibrationFor([0, 2, 0.5, 4, 1, -3]);
    expect(calibration).toEqual({ logScores: [0, 4], scores: [1, 100] });
    expect(calibratedScore(calibration, 2)).toBe(50.5);
    expect(calibratedScore(calibration, 4)).toBe(100);
    expect(calibratedScore(calibration, 9)).toBe(100);
    expect(calibratedScore(calibration, 0)).toBe(1);
    expect(calibratedScore(calibration, -1)).toBe(1);
  });

  it('anchors the median at 20 and the 95th percentile at 50 from MIN_POPULATION accounts, interpolating between ranks', () => {
    // 1, 2, …, 20: the median falls between 10 and 11, the 95th percentile between 19 and 20.
    const population = Array.from({ length: MIN_POPULATION }, (_, i) => i + 1);
    const calibration = calibrationFor([...population].reverse());
    expect(calibration.scores).toEqual([1, 20, 50, 100]);
    expect(calibration.logScores[0]).toBe(0);
    expect(calibration.logScores[1]).toBeCloseTo(10.5, 12);
    expect(calibration.logScores[2]).toBeCloseTo(19.05, 12);
    expect(calibration.logScores[3]).toBe(20);
    expect(calibratedScore(calibration, 10.5)).toBeCloseTo(20, 12);
    expect(calibratedScore(calibration, 5.25)).toBeCloseTo(10.5, 12);
    expect(calibratedScore(calibration, (10.5 + 19.05) / 2)).toBeCloseTo(35, 12);
    expect(calibratedScore(calibration, 19.525)).toBeCloseTo(75, 12);
    // One short of the population: linear to the top.
    expect(calibrationFor(population.slice(1)).scores).toEqual([1, 100]);
  });

  it('skips an anchor that does not lie strictly between its neighbours', () => {
    // Most accounts at the top: the median and the 95th percentile are the top itself.
    expect(calibrationFor([...Array.from({ length: 19 }, () => 7), 1, 2])).toEqual({ logScores: [0, 7], scores: [1, 100] });
    // The median equals the 95th percentile: only the median is kept.
    const flat = calibrationFor([...Array.from({ length: 20 }, () => 3), 9]);
    expect(flat.scores).toEqual([1, 20, 100]);
    expect(flat.logScores).toEqual([0, 3, 9]);
  });

  it('rounds to one decimal inside 1–100', () => {
    expect([roundScore(0.2), roundScore(1.04), roundScore(1.05), roundScore(55.55), roundScore(99.96), roundScore(140)]).toEqual([1, 1, 1.1, 55.6, 100, 100]);
  });
});

describe('groupByKey', () => {
  it('groups indices by key, stable within a key, asking only for the keys of 0..count-1', () => {
    const keys = [2, 0, 2, 1, 0, 2];
    const keyOf = (i: number) => {
      if (!(i >= 0 && i < keys.length)) throw new Error(`no index ${i}`);
      return keys[i]!;
    };
    const { start, order } = groupByKey(keys.length, 4, keyOf);
    expect(Array.from(order)).toEqual([1, 4, 3, 0, 2, 5]);
    expect(Array.from(start)).toEqual([0, 2, 3, 6, 6]);
    expect(Array.from(groupByKey(0, 2, keyOf).start)).toEqual([0, 0, 0]);
  });
});
