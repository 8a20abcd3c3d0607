/**
 * Maps a topic's log-scores to 1–100 against its own population, through fixed anchors: nothing
 * scored is 1, the median account 20, the 95th percentile 50, the top account 100, linear in the
 * log-score between anchors. Quantiles of a large population barely move from run to run, so the
 * scale is stable; a topic with fewer than MIN_POPULATION accounts is scaled linearly to its top.
 */
export const CALIBRATION_ANCHORS = [
  { quantile: 0.5, score: 20 },
  { quantile: 0.95, score: 50 },
] as const;
export const MIN_POPULATION = 20;

/**
 * A calibration as plain numbers, so that it can be stored and applied later (incremental runs):
 * the anchors' log-scores, ascending from 0 to the top, and the scores they map to (1 … 100).
 * No anchors: nothing was scored, and every log-score maps to 1.
 */
export interface Calibration {
  logScores: number[];
  scores: number[];
}

const quantileOf = (sorted: Float64Array, q: number): number => {
  const position = q * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
};

export const calibrationFor = (logScores: ArrayLike<number>): Calibration => {
  const sorted = Float64Array.from(logScores)
    .filter((value) => value > 0)
    .sort();
  const top = sorted.length ? sorted[sorted.length - 1]! : 0;
  if (top <= 0) return { logScores: [], scores: [] };
  const calibration: Calibration = { logScores: [0], scores: [1] };
  if (sorted.length >= MIN_POPULATION) {
    for (const anchor of CALIBRATION_ANCHORS) {
      const at = quantileOf(sorted, anchor.quantile);
      if (at > calibration.logScores[calibration.logScores.length - 1]! && at < top) {
        calibration.logScores.push(at);
        calibration.scores.push(anchor.score);
      }
    }
  }
  calibration.logScores.push(top);
  calibration.scores.push(100);
  return calibration;
};

/** Log-score → 1–100, not rounded; a log-score above the calibration's top maps to 100. */
export const calibratedScore = ({ logScores, scores }: Calibration, logScore: number): number => {
  if (logScores.length === 0 || logScore <= 0) return 1;
  if (logScore >= logScores[logScores.length - 1]!) return 100;
  for (let i = 1; i < logScores.length; i++) {
    const x1 = logScores[i]!;
    if (logScore <= x1) {
      const x0 = logScores[i - 1]!;
      const y0 = scores[i - 1]!;
      return y0 + ((logScore - x0) / (x1 - x0)) * (scores[i]! - y0);
    }
  }
  return 100;
};

export const roundScore = (score: number): number => Math.min(100, Math.max(1, Math.round(score * 10) / 10));
