/** One row of bench/results/latest.json (CONTRACT §6). */
export interface BenchmarkResult {
  name: string;
  value: number;
  unit: string;
  ceiling?: number;
  ratio?: number;
  notes: string;
}
