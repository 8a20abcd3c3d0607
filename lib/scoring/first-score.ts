/**
 * The foundation's first score: decayed, per-engager-dampened weighted in-degree, log-scaled to
 * 1–100 relative to the topic's top account. Value over volume in its simplest form: only
 * response from others counts, never the number of one's own posts.
 */
import type { EngagementType } from '../interactions/schema';
import type { EngagementAggregate } from './engagement';

export interface FirstScoreConfig {
  weights: Record<EngagementType, number>;
  halfLifeDays: number;
  windowDays: number;
}

export const firstScoreConfig: FirstScoreConfig = {
  weights: { reply: 3, quote: 3, share: 2, like: 1, mention: 1, follow: 0.5 },
  halfLifeDays: 30,
  windowDays: 90,
};

export interface ScoredAccount {
  account: string;
  /** The raw, unscaled response: comparable within one run and topic only. */
  raw: number;
  /** 1–100, one decimal. */
  score: number;
}

const DAY_MS = 86_400_000;

const dayAge = (day: string, asOf: Date): number => Math.max(0, (asOf.getTime() - Date.parse(`${day}T00:00:00Z`)) / DAY_MS);

/**
 * Scores every author that received response in `edges`. The result is sorted by score, then raw
 * response, then account key, and does not depend on the order of `edges`.
 */
export const scoreTopic = (edges: readonly EngagementAggregate[], asOf: Date, config = firstScoreConfig): ScoredAccount[] => {
  // Sum per (author, engager) pair in a fixed order so floating-point sums are the same whatever the input order.
  const sorted = [...edges].sort((a, b) => compare(a.author, b.author) || compare(a.engager, b.engager) || compare(a.day, b.day));
  const pairWeight = new Map<string, Map<string, number>>();
  for (const edge of sorted) {
    if (edge.author === edge.engager) continue;
    const age = dayAge(edge.day, asOf);
    if (age > config.windowDays) continue;
    const decay = 2 ** (-age / config.halfLifeDays);
    let weight = 0;
    for (const [type, count] of Object.entries(edge.counts) as [EngagementType, number][]) {
      weight += config.weights[type] * count;
    }
    if (weight <= 0) continue;
    const byEngager = pairWeight.get(edge.author) ?? new Map<string, number>();
    byEngager.set(edge.engager, (byEngager.get(edge.engager) ?? 0) + weight * decay);
    pairWeight.set(edge.author, byEngager);
  }

  const raws: { account: string; raw: number }[] = [];
  for (const [author, byEngager] of pairWeight) {
    let raw = 0;
    // Diminishing returns per engager: the tenth like from the same person adds far less than the first.
    for (const weight of byEngager.values()) raw += Math.log1p(weight);
    raws.push({ account: author, raw });
  }
  const maxRaw = raws.reduce((max, { raw }) => Math.max(max, raw), 0);
  return raws
    .map(({ account, raw }) => ({ account, raw, score: calibrate(raw, maxRaw) }))
    .sort((a, b) => b.score - a.score || b.raw - a.raw || compare(a.account, b.account));
};

/** Log-scaled to 1–100 against the topic's largest raw response; one decimal. */
export const calibrate = (raw: number, maxRaw: number): number => {
  if (maxRaw <= 0 || raw <= 0) return 1;
  const scaled = 1 + (99 * Math.log1p(raw)) / Math.log1p(maxRaw);
  return Math.min(100, Math.max(1, Math.round(scaled * 10) / 10));
};

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
