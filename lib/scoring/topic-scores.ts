import { calibrationFor, roundScore } from './calibration';
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

/** The TOP_ENGAGERS pairs with the largest contribution (ties: lower index first), without sorting them all. */
const topEngagerPairs = (pairIndices: number[], contribution: (k: number) => number): number[] => {
  const top: { k: number; value: number }[] = [];
  for (const k of pairIndices) {
    const value = contribution(k);
    if (top.length === TOP_ENGAGERS && value <= top[TOP_ENGAGERS - 1]!.value) continue;
    let at = top.length;
    while (at > 0 && top[at - 1]!.value < value) at--;
    top.splice(at, 0, { k, value });
    if (top.length > TOP_ENGAGERS) top.pop();
  }
  return top.map(({ k }) => k);
};

/**
 * Scores one topic from its aggregates (see docs/SCORING.md). Deterministic: the same aggregates
 * give the same scores bit for bit, whatever their order.
 */
export const scoreTopic = (
  edges: readonly EngagementAggregate[],
  posts: readonly PostAggregate[],
  asOf: Date,
  model: ScoringModel = scoringModel,
): TopicScores => {
  const dayNumbers = new Map<string, number>();
  const dayNumberOf = (day: string): number => {
    let number = dayNumbers.get(day);
    if (number === undefined) dayNumbers.set(day, (number = Date.parse(`${day}T00:00:00Z`) / DAY_MS));
    return number;
  };
  const today = asOf.getTime() / DAY_MS;
  const decayOf = (day: string): number => {
    const age = Math.max(0, today - dayNumberOf(day));
    return age > model.windowDays ? 0 : 2 ** (-age / model.halfLifeDays);
  };

  // Accounts get indices in sorted order, so everything below is independent of input order:
  // provisional ids in arrival order first (one hash per key), then renumbered by sorted name.
  const provisional = new Map<string, number>();
  const provisionalId = (account: string): number => {
    let id = provisional.get(account);
    if (id === undefined) provisional.set(account, (id = provisional.size));
    return id;
  };
  const windowEdges: { edge: EngagementAggregate; engager: number; author: number; day: number; decay: number }[] = [];
  for (const edge of edges) {
    if (edge.author === edge.engager) continue;
    const decay = decayOf(edge.day);
    if (decay > 0) windowEdges.push({ edge, engager: provisionalId(edge.engager), author: provisionalId(edge.author), day: dayNumberOf(edge.day), decay });
  }
  // The default sort compares UTF-16 code units, like compareStrings, and is faster.
  const accounts = [...provisional.keys()].sort();
  const n = accounts.length;
  const indexOf = new Map(accounts.map((account, i) => [account, i]));
  const renumber = new Uint32Array(n);
  for (const [account, id] of provisional) renumber[id] = indexOf.get(account)!;
  for (const entry of windowEdges) {
    entry.engager = renumber[entry.engager]!;
    entry.author = renumber[entry.author]!;
  }

  // Pair weights engager → author, summed in a fixed order.
  interface Pair {
    engager: number;
    author: number;
    engagement: number;
    follow: number;
    interactions: number;
    /** Distinct days with engagements, for the lockstep signature. */
    days: number[];
  }
  // Ordered by (engager, author, day): a counting sort by engager, then each short row in place.
  // Sums then run in a fixed order, and each pair's days are adjacent.
  const rowStart = new Uint32Array(n + 1);
  for (const entry of windowEdges) rowStart[entry.engager + 1]!++;
  for (let e = 0; e < n; e++) rowStart[e + 1]! += rowStart[e]!;
  const fill = rowStart.slice(0, n);
  const inWindow: typeof windowEdges = new Array(windowEdges.length);
  for (const entry of windowEdges) inWindow[fill[entry.engager]!++] = entry;
  for (let e = 0; e < n; e++) {
    for (let j = rowStart[e]! + 1; j < rowStart[e + 1]!; j++) {
      const entry = inWindow[j]!;
      let i = j - 1;
      while (i >= rowStart[e]! && (inWindow[i]!.author > entry.author || (inWindow[i]!.author === entry.author && inWindow[i]!.day > entry.day))) {
        inWindow[i + 1] = inWindow[i]!;
        i--;
      }
      inWindow[i + 1] = entry;
    }
  }
  const pairList: Pair[] = [];
  for (const { edge, engager, author, day, decay } of inWindow) {
    let pair = pairList[pairList.length - 1];
    if (!pair || pair.engager !== engager || pair.author !== author) {
      pair = { engager, author, engagement: 0, follow: 0, interactions: 0, days: [] };
      pairList.push(pair);
    }
    const { counts } = edge;
    for (const type in counts) {
      const count = counts[type as keyof typeof counts];
      if (!count) continue;
      pair.interactions += count;
      if (type === 'follow') pair.follow += count * decay;
      else pair.engagement += model.engagementWeights[type as keyof ScoringModel['engagementWeights']] * count * decay;
    }
    pair.days.push(day);
  }
  // Pairs by engager, for finding the reverse pair author → engager by binary search.
  const pairRowStart = new Uint32Array(n + 1);
  for (const pair of pairList) pairRowStart[pair.engager + 1]!++;
  for (let e = 0; e < n; e++) pairRowStart[e + 1]! += pairRowStart[e]!;
  const hasPair = (engager: number, author: number): boolean => {
    let low = pairRowStart[engager]!;
    let high = pairRowStart[engager + 1]!;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const candidate = pairList[middle]!.author;
      if (candidate === author) return true;
      if (candidate < author) low = middle + 1;
      else high = middle;
    }
    return false;
  };

  // Engagers that spread reactions over many authors count less per reaction.
  const authorsEngaged = new Uint32Array(n);
  for (const pair of pairList) authorsEngaged[pair.engager]!++;
  const activityDiscount = new Float64Array(n);
  for (let e = 0; e < n; e++) activityDiscount[e] = Math.min(1, Math.sqrt(model.engagerAuthorsBeforeDiscount / Math.max(1, authorsEngaged[e]!)));

  // Lockstep: engagers with the same set of (author, day) targets, in a large enough group, count as one.
  const targetDays = new Uint32Array(n);
  for (const pair of pairList) targetDays[pair.engager]! += pair.days.length;
  const signatures = new Map<number, string[]>();
  for (const pair of pairList) {
    if (targetDays[pair.engager]! < model.lockstepMinTargets) continue;
    const list = signatures.get(pair.engager) ?? [];
    for (const day of pair.days) list.push(`${pair.author}@${day}`);
    signatures.set(pair.engager, list);
  }
  const groups = new Map<string, number[]>();
  for (const [engager, targets] of signatures) {
    if (targets.length < model.lockstepMinTargets) continue;
    const signature = targets.sort().join('|');
    const group = groups.get(signature) ?? [];
    group.push(engager);
    groups.set(signature, group);
  }
  const lockstepFactor = new Float64Array(n).fill(1);
  for (const group of groups.values()) {
    if (group.length >= model.lockstepGroupSize) for (const engager of group) lockstepFactor[engager] = 1 / group.length;
  }

  // Edge strength: capped, diminishing, discounted; reciprocal pairs damped.
  const strength = new Float64Array(pairList.length);
  const breadthShare = new Float64Array(pairList.length);
  for (let k = 0; k < pairList.length; k++) {
    const pair = pairList[k]!;
    const reciprocal = hasPair(pair.author, pair.engager) ? model.reciprocalDamping : 1;
    const discount = activityDiscount[pair.engager]! * lockstepFactor[pair.engager]! * reciprocal;
    const capped = Math.min(pair.engagement, model.pairWeightCap);
    strength[k] = (Math.log1p(capped) + model.followWeight * Math.log1p(pair.follow)) * discount;
    breadthShare[k] = pair.engagement > 0 ? discount : 0;
  }

  // Authority: weighted PageRank, jumping by a trust prior that rings and farms cannot forge.
  const prior = new Float64Array(n).fill(model.priorFloor);
  for (let k = 0; k < pairList.length; k++) {
    const pair = pairList[k]!;
    if (!hasPair(pair.author, pair.engager)) prior[pair.author]! += breadthShare[k]!;
  }
  let priorTotal = 0;
  for (let i = 0; i < n; i++) priorTotal += prior[i]!;
  for (let i = 0; i < n; i++) prior[i]! /= priorTotal;
  const graph = buildWeightedGraph(
    n,
    pairList.map((pair) => pair.engager),
    pairList.map((pair) => pair.author),
    strength,
  );
  const { rank, iterations } = pageRank(graph, { damping: model.damping, prior, tolerance: model.tolerance, maxIterations: model.maxIterations });
  const engagerWeight = new Float64Array(n);
  for (let i = 0; i < n; i++) engagerWeight[i] = model.engagerWeightFloor + Math.min(model.authorityCap, rank[i]! * n);

  // Factors per author.
  const response = new Float64Array(n);
  const breadth = new Float64Array(n);
  for (let k = 0; k < pairList.length; k++) {
    const pair = pairList[k]!;
    response[pair.author]! += strength[k]! * engagerWeight[pair.engager]!;
    breadth[pair.author]! += breadthShare[k]! * Math.min(1, engagerWeight[pair.engager]!);
  }
  const postCount = new Float64Array(n);
  for (const post of [...posts].sort((a, b) => compareStrings(a.author, b.author) || compareStrings(a.day, b.day))) {
    const author = indexOf.get(post.author);
    if (author !== undefined) postCount[author]! += post.posts * decayOf(post.day);
  }

  const { factorWeights } = model;
  const terms = (i: number) => {
    const efficiency = response[i]! / (1 + postCount[i]!);
    return {
      values: { response: response[i]!, breadth: breadth[i]!, efficiency },
      parts: {
        response: factorWeights.response * Math.log1p(response[i]! / model.responseUnit),
        breadth: factorWeights.breadth * Math.log1p(breadth[i]! / model.responseUnit),
        efficiency: factorWeights.efficiency * Math.log1p(efficiency / model.responseUnit),
      },
    };
  };
  const logScore = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (response[i]! <= 0) continue;
    const { parts } = terms(i);
    logScore[i] = parts.response + parts.breadth + parts.efficiency;
  }
  const calibrate = calibrationFor(logScore);

  const scored: number[] = [];
  for (let i = 0; i < n; i++) if (logScore[i]! > 0) scored.push(i);
  const scores = new Float64Array(n);
  for (const i of scored) scores[i] = roundScore(calibrate(logScore[i]!));
  scored.sort((a, b) => scores[b]! - scores[a]! || logScore[b]! - logScore[a]! || compareStrings(accounts[a]!, accounts[b]!));

  const engagersOf = new Map<number, number[]>();
  for (let k = 0; k < pairList.length; k++) {
    const list = engagersOf.get(pairList[k]!.author) ?? [];
    list.push(k);
    engagersOf.set(pairList[k]!.author, list);
  }

  const ranked = scored.map((i, position): AccountTopicScore => {
    const { values, parts } = terms(i);
    const score = scores[i]!;
    const total = parts.response + parts.breadth + parts.efficiency;
    const factors: ScoreFactor[] = [
      { name: 'base', ...FACTORS.base, value: 1, contribution: 1 },
      ...(['response', 'breadth', 'efficiency'] as const).map((name) => ({
        name,
        ...FACTORS[name],
        value: Math.round(values[name] * 1000) / 1000,
        contribution: Math.round(((score - 1) * parts[name]) / total * 100) / 100,
      })),
    ];
    // Rounding leftovers go to the largest factor, so the contributions add up to the score exactly.
    const largest = factors.reduce((best, factor) => (factor.contribution > best.contribution ? factor : best));
    largest.contribution = Math.round((largest.contribution + score - factors.reduce((sum, factor) => sum + factor.contribution, 0)) * 100) / 100;

    const topEngagers = topEngagerPairs(engagersOf.get(i) ?? [], (k) => strength[k]! * engagerWeight[pairList[k]!.engager]!).map((k) => ({
      account: accounts[pairList[k]!.engager]!,
      interactions: pairList[k]!.interactions,
      weight: Math.round(((strength[k]! * engagerWeight[pairList[k]!.engager]!) / response[i]!) * 1000) / 1000,
    }));
    return { account: accounts[i]!, score, rank: position + 1, factors, topEngagers };
  });
  return { ranked, iterations };
};
