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
  const decays = new Map<string, number>();
  const decayOf = (day: string): number => {
    let decay = decays.get(day);
    if (decay === undefined) {
      const age = Math.max(0, today - dayNumberOf(day));
      decays.set(day, (decay = age > model.windowDays ? 0 : 2 ** (-age / model.halfLifeDays)));
    }
    return decay;
  };

  // Accounts get indices in sorted order, so everything below is independent of input order:
  // provisional ids in arrival order first (one hash per key), then renumbered by sorted name.
  const provisional = new Map<string, number>();
  const provisionalId = (account: string): number => {
    let id = provisional.get(account);
    if (id === undefined) provisional.set(account, (id = provisional.size));
    return id;
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
    const decay = decayOf(edge.day);
    if (decay === 0) continue;
    const { reply = 0, quote = 0, share = 0, like = 0, mention = 0, follow = 0 } = edge.counts;
    rowEngager[rows] = provisionalId(edge.engager);
    rowAuthor[rows] = provisionalId(edge.author);
    rowDay[rows] = dayNumberOf(edge.day);
    rowEngagement[rows] = (weights.reply * reply + weights.quote * quote + weights.share * share + weights.like * like + weights.mention * mention) * decay;
    rowFollow[rows] = follow * decay;
    rowInteractions[rows] = reply + quote + share + like + mention + follow;
    rows++;
  }
  // The default sort compares UTF-16 code units, like compareStrings, and is faster.
  const accounts = [...provisional.keys()].sort();
  const n = accounts.length;
  const renumber = new Uint32Array(n);
  accounts.forEach((account, i) => (renumber[provisional.get(account)!] = i));
  for (let r = 0; r < rows; r++) {
    rowEngager[r] = renumber[rowEngager[r]!]!;
    rowAuthor[r] = renumber[rowAuthor[r]!]!;
  }
  const indexOf = (account: string): number | undefined => {
    const id = provisional.get(account);
    return id === undefined ? undefined : renumber[id];
  };

  // Rows ordered by (engager, author, day): a counting sort by engager, then each short run in
  // place. Sums then run in a fixed order, and each pair's days are adjacent.
  const engagerStart = new Uint32Array(n + 1);
  for (let r = 0; r < rows; r++) engagerStart[rowEngager[r]! + 1]!++;
  for (let e = 0; e < n; e++) engagerStart[e + 1]! += engagerStart[e]!;
  const fill = engagerStart.slice(0, n);
  const order = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) order[fill[rowEngager[r]!]!++] = r;
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
  const pairEngagerList: number[] = [];
  const pairAuthorList: number[] = [];
  const pairRowsStart: number[] = [];
  for (let j = 0; j < rows; j++) {
    const r = order[j]!;
    const last = pairEngagerList.length - 1;
    if (last < 0 || pairEngagerList[last] !== rowEngager[r] || pairAuthorList[last] !== rowAuthor[r]) {
      pairEngagerList.push(rowEngager[r]!);
      pairAuthorList.push(rowAuthor[r]!);
      pairRowsStart.push(j);
    }
  }
  const pairCount = pairEngagerList.length;
  pairRowsStart.push(rows);
  const pairEngager = Uint32Array.from(pairEngagerList);
  const pairAuthor = Uint32Array.from(pairAuthorList);
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

  // Lockstep: engagers with the same set of (author, day) targets, in a large enough group, count as one.
  const targetDays = new Uint32Array(n);
  for (let k = 0; k < pairCount; k++) targetDays[pairEngager[k]!]! += pairRowsStart[k + 1]! - pairRowsStart[k]!;
  const signatures = new Map<number, string[]>();
  for (let k = 0; k < pairCount; k++) {
    const engager = pairEngager[k]!;
    if (targetDays[engager]! < model.lockstepMinTargets) continue;
    const list = signatures.get(engager) ?? [];
    for (let j = pairRowsStart[k]!; j < pairRowsStart[k + 1]!; j++) list.push(`${pairAuthor[k]}@${rowDay[order[j]!]}`);
    signatures.set(engager, list);
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
    const efficiency = response[i]! / (1 + postCount[i]!);
    // The same sum as `terms`, without allocating per account.
    logScore[i] =
      factorWeights.response * Math.log1p(response[i]! / model.responseUnit) +
      factorWeights.breadth * Math.log1p(breadth[i]! / model.responseUnit) +
      factorWeights.efficiency * Math.log1p(efficiency / model.responseUnit);
  }
  const calibrate = calibrationFor(logScore);

  const scored: number[] = [];
  for (let i = 0; i < n; i++) if (logScore[i]! > 0) scored.push(i);
  const scores = new Float64Array(n);
  for (const i of scored) scores[i] = roundScore(calibrate(logScore[i]!));
  scored.sort((a, b) => scores[b]! - scores[a]! || logScore[b]! - logScore[a]! || compareStrings(accounts[a]!, accounts[b]!));

  const engagersOf = new Map<number, number[]>();
  for (let k = 0; k < pairCount; k++) {
    const list = engagersOf.get(pairAuthor[k]!) ?? [];
    list.push(k);
    engagersOf.set(pairAuthor[k]!, list);
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

    const topEngagers = topEngagerPairs(engagersOf.get(i) ?? [], (k) => strength[k]! * engagerWeight[pairEngager[k]!]!).map((k) => ({
      account: accounts[pairEngager[k]!]!,
      interactions: pairInteractions[k]!,
      weight: Math.round(((strength[k]! * engagerWeight[pairEngager[k]!]!) / response[i]!) * 1000) / 1000,
    }));
    return { account: accounts[i]!, score, rank: position + 1, factors, topEngagers };
  });
  return { ranked, iterations };
};
