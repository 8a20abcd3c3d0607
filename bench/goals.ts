/** Issue 12's (and, for the rows it leaves as they were, issue 5's and the scoring and web issues') goal for each benchmark, and whether a result meets it. */
import type { BenchmarkResult } from './result';

export interface Goal {
  text: string;
  met(result: BenchmarkResult): boolean;
}

const atMost = (limit: number, text: string): Goal => ({ text, met: (result) => result.value <= limit });
const ratioAtLeast = (limit: number): Goal => ({ text: `ratio ≥ ${limit}`, met: (result) => (result.ratio ?? 0) >= limit });

/** p99 within 3× a bare server's p99 under the same load. */
const webhookLatency = ratioAtLeast(0.33);

const goals: Record<string, Goal> = {
  'ingest.throughput': ratioAtLeast(0.5),
  'ingest.wcu_per_interaction': atMost(1.0, '≤ 1.0 WCU'),
  'webhook.latency': webhookLatency,
  'lookup.throughput': ratioAtLeast(0.6),
  'lookup.rcu': atMost(0.5, '≤ 0.5 RCU'),
  'leaderboard.latency': ratioAtLeast(0.5),
  // Issue 15: p99 within 2× the reads a search needs, done directly.
  'search.latency': ratioAtLeast(0.5),
  'recompute.higgs': ratioAtLeast(0.5),
  'recompute.incremental': ratioAtLeast(10),
  'recompute.incremental_writes': atMost(0.05, '≤ 0.05 of a full run'),
  'cost.per_million_interactions': atMost(1.0, '≤ $1.00'),
  'scale.10m': atMost(120, '≤ 120 s'),
  'scale.10m_peak_rss': atMost(3, '≤ 3 GiB'),
  'scale.10m_incremental': atMost(60, '≤ 60 s'),
  'scoring.pagerank_kernel': ratioAtLeast(5),
  'scoring.pagerank_bytes_per_edge': atMost(100, '≤ 100 bytes/edge'),
  'scoring.higgs_whole': { text: '< 5 s', met: (result) => result.value < 5 },
  'web.bundle_gzip': atMost(100, '≤ 100 KB'),
  // Issue 16: what a function bundles, minified.
  'functions.bundle_healthz': atMost(700, '≤ 700 KB'),
  'functions.bundle_webhook': atMost(900, '≤ 900 KB'),
  // Issue 14: above every naive baseline of the same run (the ceiling is the best of them).
  'scoring.validity': { text: '≥ 0.75 and above every naive baseline', met: (result) => result.value >= 0.75 && (result.ratio ?? 0) > 1 },
  'scoring.validity_bitcoin_otc': { text: '≥ 90 %', met: (result) => result.value >= 90 },
};

const goalOf = (name: string): Goal | undefined => goals[name] ?? (name.startsWith('webhook.latency.') ? webhookLatency : undefined);

/** "yes", "no", or "—" where no goal applies. */
export const verdict = (result: Pick<BenchmarkResult, 'met'>): string => (result.met === undefined ? '—' : result.met ? 'yes' : 'no');

/** The result with its goal and verdict, for the table and latest.json (rows without a goal are reported as they are). */
export const withGoal = (result: BenchmarkResult): BenchmarkResult => {
  const goal = goalOf(result.name);
  if (!goal) return result;
  return { ...result, goal: goal.text, met: result.failed === undefined && goal.met(result) };
};
