/** One row of bench/results/latest.json (CONTRACT §6); `goal` and `met` are added by bench/goals.ts. */
export interface BenchmarkResult {
  name: string;
  value: number;
  unit: string;
  ceiling?: number;
  ratio?: number;
  notes: string;
  goal?: string;
  met?: boolean;
  /** Why the benchmark could not measure its figure (then `value` is 0 and the goal is not met). */
  failed?: string;
}

/** A figure rounded for the table: `digits` decimals, as a number. */
export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
