import { AccountIndex } from './account-index';
import { calibrationFor, roundScore } from './calibration';
import { groupByKey } from './counting-sort';
import type { EngagementAggregate, PostAggregate } from './engagement';
import { FACTORS, scoringModel, type ScoringModel } from './model';
import { buildWeightedGraph, pageRank } from './weighted-graph';

export interface ScoreFactor {
  name: keyof typeof FACTORS;
  label: string;
  description: string;
  value: number;
  contribution: number;
}

export interface TopEngager {
  account: string;
  interactions: number;
  /** Share of the response, 0–1. */
  weight: number;
}

export interface AccountTopicScore {
  account: string;
  score: number;
  rank: number;
  factors: ScoreFactor[];
  topEngagers: TopEngager[];
}

export interface TopicScores {
  /** Accounts that earned any response, best first. */
  ranked: AccountTopicScore[];
  /** PageRank iterations until convergence. */
  iterations: number;
}

const DAY_MS = 86_400_000;
const TOP_ENGAGERS = 5;

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The TOP_ENGAGERS pairs of `pairs[from..to)` with the largest contribution (ties: earlier first), without sorting them all. */
const topEngagerPairs = (pairs: Uint32Array, from: number, to: number, contribution: (k: number) => number): number[] => {
  const top: number[] = [];
  const values: number[] = [];
  for (let j = from; j < to; j++) {
    const k = pairs[j]!;
    const value = contribution(k);
    if (top.length === TOP_ENGAGERS && value <= values[TOP_ENGAGERS - 1]!) continue;
    let at = top.length;
    while (at > 0 && values[at - 1]! < value) at--;
    top.splice(at, 0, k);
    values.splice(at, 0, value);
    if (top.length > TOP_ENGAGERS) {
      top.pop();
      values.pop();
    }
  }
  return top;
};

/**
 * Scores one topic from its aggregates (see docs/SCORING.md). Deterministic: the same aggregates
 * give the same scores bit for bit, whatever their order.
 */
export const scoreTopic = (
  edges: readonly EngagementAggregate[],
  posts: readonly PostAggregate[],
  asOf: Date,
  { model = scoringModel, accountIndex = new AccountIndex() }: { model?: ScoringModel; accountIndex?: AccountIndex } = {},
): TopicScores => {
  const today = asOf.getTime() / DAY_MS;
  // Day number and decay per distinct day: one lookup per aggregate row.
  const days = new Map<string, { number: number; decay: number }>();
  const dayOf = (day: string): { number: number; decay: number } => {
    let known = days.get(day);
    if (known === undefined) {
      const number = Date.parse(`${day}T00:00:00Z`) / DAY_MS;
      const age = Math.max(0, today - number);
      days.set(day, (known = { number, decay: age > model.windowDays ? 0 : 2 ** (-age / model.halfLifeDays) }));
    }
    return known;
  };

  // Each aggregate row in the window, as parallel typed arrays.
  const rowCount = edges.length;
  const rowEngager = new Uint32Array(rowCount);
  const rowAuthor = new Uint32Array(rowCount);
  const rowDay = new Float64Array(rowCount);
  const rowEngagement = new Float64Array(rowCount);
  const rowFollow = new Float64Array(rowCount);
  const rowInteractions = new Float64Array(rowCount);
  const weights = model.engagementWeights;
  let rows = 0;
  for (const edge of edges) {
    if (edge.author === edge.engager) continue;
    const { number: dayNumber, decay } = dayOf(edge.day);
    if (decay === 0) continue;
    const { reply = 0, quote = 0, share = 0, like = 0, mention = 0, follow = 0 } = edge.counts;
    rowEngager[rows] = accountIndex.idOf(edge.engager);
    rowAuthor[rows] = accountIndex.idOf(edge.author);
    rowDay[rows] = dayNumber;
    rowEngagement[rows] = (weights.reply * reply + weights.quote * quote + weights.share * share + weights.like * like + weights.mention * mention) * decay;
    rowFollow[rows] = follow * decay;
    rowInteractions[rows] = reply + quote + share + like + mention + follow;
    rows++;
  }
  // Accounts get local indices in name order, so everything below is independent of input order:
  // the positions in name order of every row's accounts, sorted and deduplicated.
  const { names, positions, scratch: localOf } = accountIndex.inNameOrder();
  const used = new Uint32Array(2 * rows);
  for (let r = 0; r < rows; r++) {
    used[2 * r] = positions[rowEngager[r]!]!;
    used[2 * r + 1] = positions[rowAuthor[r]!]!;
  }
  used.sort();
  const accounts: string[] = [];
  for (let j = 0; j < used.length; j++) {
    if (j > 0 && used[j] === used[j - 1]) continue;
    localOf[used[j]!] = accounts.length;
    accounts.push(names[used[j]!]!);
  }
  const n = accounts.length;
  for (let r = 0; r < rows; r++) {
    rowEngager[r] = localOf[positions[rowEngager[r]!]!]!;
    rowAuthor[r] = localOf[positions[rowAuthor[r]!]!]!;
  }
  const indexOf = (account: string): number | undefined => {
    const id = accountIndex.find(account);
    if (id === undefined) return undefined;
    const local = localOf[positions[id]!]!;
    return accounts[local] === account ? local : undefined;
  };

  // Rows ordered by (engager, author, day): a counting sort by engager, then each short run in
  // place. Sums then run in a fixed order, and each pair's days are adjacent.
  const { start: engagerStart, order } = groupByKey(rows, n, (r) => rowEngager[r]!);
  for (let e = 0; e < n; e++) {
    const first = engagerStart[e]!;
    for (let j = first + 1; j < engagerStart[e + 1]!; j++) {
      const r = order[j]!;
      let i = j - 1;
      while (i >= first && (rowAuthor[order[i]!]! > rowAuthor[r]! || (rowAuthor[order[i]!] === rowAuthor[r] && rowDay[order[i]!]! > rowDay[r]!))) {
        order[i + 1] = order[i]!;
        i--;
      }
      order[i + 1] = r;
    }
  }

  // Pairs engager → author: runs of rows with the same engager and author.
  const pairEngagerRuns = new Uint32Array(rows);
  const pairAuthorRuns = new Uint32Array(rows);
  const pairRowsStart = new Uint32Array(rows + 1);
  let pairCount = 0;
  for (let j = 0; j < rows; j++) {
    const r = order[j]!;
    if (pairCount === 0 || pairEngagerRuns[pairCount - 1] !== rowEngager[r] || pairAuthorRuns[pairCount - 1] !== rowAuthor[r]) {
      pairEngagerRuns[pairCount] = rowEngager[r]!;
      pairAuthorRuns[pairCount] = rowAuthor[r]!;
      pairRowsStart[pairCount] = j;
      pairCount++;
    }
  }
  pairRowsStart[pairCount] = rows;
  const pairEngager = pairEngagerRuns.subarray(0, pairCount);
  const pairAuthor = pairAuthorRuns.subarray(0, pairCount);
  const pairEngagement = new Float64Array(pairCount);
  const pairFollow = new Float64Array(pairCount);
  const pairInteractions = new Float64Array(pairCount);
  for (let k = 0; k < pairCount; k++) {
    for (let j = pairRowsStart[k]!; j < pairRowsStart[k + 1]!; j++) {
      const r = order[j]!;
      pairEngagement[k]! += rowEngagement[r]!;
      pairFollow[k]! += rowFollow[r]!;
      pairInteractions[k]! += rowInteractions[r]!;
    }
  }
  // Pairs are ordered by engager, then author: the reverse pair is found by binary search.
  const pairStart = new Uint32Array(n + 1);
  for (let k = 0; k < pairCount; k++) pairStart[pairEngager[k]! + 1]!++;
  for (let e = 0; e < n; e++) pairStart[e + 1]! += pairStart[e]!;
  const hasPair = (engager: number, author: number): boolean => {
    let low = pairStart[engager]!;
    let high = pairStart[engager + 1]!;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const candidate = pairAuthor[middle]!;
      if (candidate === author) return true;
      if (candidate < author) low = middle + 1;
      else high = middle;
    }
    return false;
  };

  // Engagers that spread reactions over many authors count less per reaction.
  const authorsEngaged = new Uint32Array(n);
  for (let k = 0; k < pairCount; k++) authorsEngaged[pairEngager[k]!]!++;
  const activityDiscount = new Float64Array(n);
  for (let e = 0; e < n; e++) activityDiscount[e] = Math.min(1, Math.sqrt(model.engagerAuthorsBeforeDiscount / Math.max(1, authorsEngaged[e]!)));

  // Lockstep: engagers with the same set of (author, day) targets, in a large enough group, count as
  // one. An engager's rows are ordered by (author, day), so equal sets are equal runs of rows: group
  // by a hash of the run, and compare runs to resolve collisions.
  const sameTargets = (a: number, b: number): boolean => {
    const length = engagerStart[a + 1]! - engagerStart[a]!;
    if (engagerStart[b + 1]! - engagerStart[b]! !== length) return false;
    for (let j = 0; j < length; j++) {
      const ra = order[engagerStart[a]! + j]!;
      const rb = order[engagerStart[b]! + j]!;
      if (rowAuthor[ra] !== rowAuthor[rb] || rowDay[ra] !== rowDay[rb]) return false;
    }
    return true;
  };
  const groupsByHash = new Map<number, number[][]>();
  for (let e = 0; e < n; e++) {
    const first = engagerStart[e]!;
    const end = engagerStart[e + 1]!;
    if (end - first < model.lockstepMinTargets) continue;
    let hash = end - first;
    for (let j = first; j < end; j++) {
      const r = order[j]!;
      hash = Math.imul(hash ^ rowAuthor[r]!, 0x9e3779b1);
      hash = Math.imul(hash ^ rowDay[r]!, 0x85ebca6b);
    }
    const candidates = groupsByHash.get(hash);
    const group = candidates?.find((members) => sameTargets(members[0]!, e));
    if (group) group.push(e);
    else if (candidates) candidates.push([e]);
    else groupsByHash.set(hash, [[e]]);
  }
  const lockstepFactor = new Float64Array(n).fill(1);
  for (const candidates of groupsByHash.values()) {
    for (const group of candidates) {
      if (group.length >= model.lockstepGroupSize) for (const engager of group) lockstepFactor[engager] = 1 / group.length;
    }
  }

  // Edge strength: capped, diminishing, discounted; reciprocal pairs damped.
  const strength = new Float64Array(pairCount);
  const breadthShare = new Float64Array(pairCount);
  const reciprocated = new Uint8Array(pairCount);
  for (let k = 0; k < pairCount; k++) {
    const engager = pairEngager[k]!;
    reciprocated[k] = hasPair(pairAuthor[k]!, engager) ? 1 : 0;
    const discount = activityDiscount[engager]! * lockstepFactor[engager]! * (reciprocated[k] ? model.reciprocalDamping : 1);
    const capped = Math.min(pairEngagement[k]!, model.pairWeightCap);
    strength[k] = (Math.log1p(capped) + model.followWeight * Math.log1p(pairFollow[k]!)) * discount;
    breadthShare[k] = pairEngagement[k]! > 0 ? discount : 0;
  }

  // Authority: weighted PageRank, jumping by a trust prior that rings and farms cannot forge.
  const prior = new Float64Array(n).fill(model.priorFloor);
  for (let k = 0; k < pairCount; k++) if (!reciprocated[k]) prior[pairAuthor[k]!]! += breadthShare[k]!;
  let priorTotal = 0;
  for (let i = 0; i < n; i++) priorTotal += prior[i]!;
  for (let i = 0; i < n; i++) prior[i]! /= priorTotal;
  const graph = buildWeightedGraph(
    n,
    pairEngager,
    pairAuthor,
    strength,
  );
  const { rank, iterations } = pageRank(graph, { damping: model.damping, prior, tolerance: model.tolerance, maxIterations: model.maxIterations });
  const engagerWeight = new Float64Array(n);
  for (let i = 0; i < n; i++) engagerWeight[i] = model.engagerWeightFloor + Math.min(model.authorityCap, rank[i]! * n);

  // Factors per author.
  const response = new Float64Array(n);
  const breadth = new Float64Array(n);
  for (let k = 0; k < pairCount; k++) {
    response[pairAuthor[k]!]! += strength[k]! * engagerWeight[pairEngager[k]!]!;
    breadth[pairAuthor[k]!]! += breadthShare[k]! * Math.min(1, engagerWeight[pairEngager[k]!]!);
  }
  const postCount = new Float64Array(n);
  for (const post of [...posts].sort((a, b) => compareStrings(a.author, b.author) || compareStrings(a.day, b.day))) {
    const author = indexOf(post.author);
    if (author !== undefined) postCount[author]! += post.posts * dayOf(post.day).decay;
  }

  const { factorWeights } = model;
  // Each factor's part of the log-score, kept for the explanation.
  const efficiency = new Float64Array(n);
  const responsePart = new Float64Array(n);
  const breadthPart = new Float64Array(n);
  const efficiencyPart = new Float64Array(n);
  const logScore = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (response[i]! <= 0) continue;
    efficiency[i] = response[i]! / (1 + postCount[i]!);
    responsePart[i] = factorWeights.response * Math.log1p(response[i]! / model.responseUnit);
    breadthPart[i] = factorWeights.breadth * Math.log1p(breadth[i]! / model.responseUnit);
    efficiencyPart[i] = factorWeights.efficiency * Math.log1p(efficiency[i]! / model.responseUnit);
    logScore[i] = responsePart[i]! + breadthPart[i]! + efficiencyPart[i]!;
  }
  const calibrate = calibrationFor(logScore);

  const scored: number[] = [];
  for (let i = 0; i < n; i++) if (logScore[i]! > 0) scored.push(i);
  const scores = new Float64Array(n);
  for (const i of scored) scores[i] = roundScore(calibrate(logScore[i]!));
  // Local indices follow name order, so the last tie-break is by name.
  scored.sort((a, b) => scores[b]! - scores[a]! || logScore[b]! - logScore[a]! || a - b);

  // Each author's pairs, by a counting sort on the author.
  const { start: engagersStart, order: pairsByAuthor } = groupByKey(pairCount, n, (k) => pairAuthor[k]!);

  const rounded = (value: number, unit: number) => Math.round(value * unit) / unit;
  const ranked = scored.map((i, position): AccountTopicScore => {
    const score = scores[i]!;
    const contribution = (part: number) => rounded(((score - 1) * part) / logScore[i]!, 100);
    const factors: ScoreFactor[] = [
      { name: 'base', ...FACTORS.base, value: 1, contribution: 1 },
      { name: 'response', ...FACTORS.response, value: rounded(response[i]!, 1000), contribution: contribution(responsePart[i]!) },
      { name: 'breadth', ...FACTORS.breadth, value: rounded(breadth[i]!, 1000), contribution: contribution(breadthPart[i]!) },
      { name: 'efficiency', ...FACTORS.efficiency, value: rounded(efficiency[i]!, 1000), contribution: contribution(efficiencyPart[i]!) },
    ];
    // Rounding leftovers go to the largest factor, so the contributions add up to the score exactly.
    const largest = factors.reduce((best, factor) => (factor.contribution > best.contribution ? factor : best));
    largest.contribution = rounded(largest.contribution + score - factors.reduce((sum, factor) => sum + factor.contribution, 0), 100);

    const topEngagers = topEngagerPairs(pairsByAuthor, engagersStart[i]!, engagersStart[i + 1]!, (k) => strength[k]! * engagerWeight[pairEngager[k]!]!).map((k) => ({
      account: accounts[pairEngager[k]!]!,
      interactions: pairInteractions[k]!,
      weight: rounded((strength[k]! * engagerWeight[pairEngager[k]!]!) / response[i]!, 1000),
    }));
    return { account: accounts[i]!, score, rank: position + 1, factors, topEngagers };
  });
  return { ranked, iterations };
};
