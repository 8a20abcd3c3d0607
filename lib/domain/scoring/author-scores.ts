/**
 * The per-author phase of scoring: from an author's pairs, the weights and discounts of its
 * engagers and its posts, to its factors, log-score, calibrated score and explanation. The full
 * pass (`scoreTopic`) and incremental rescoring (`rescoreAuthors`) both run exactly this code, the
 * first with the engager terms it has just computed, the second with those of a frozen model.
 */
import { calibratedScore, roundScore, type Calibration } from './calibration';
import { type FACTORS, FLAGS, type ScoringModel } from './model';
import type { TopicPairs } from './topic-pairs';

/** A factor as measured; its label and description (FACTORS) are added where it is shown. */
export interface ScoreFactor {
  name: keyof typeof FACTORS;
  value: number;
  contribution: number;
}

export interface TopEngager {
  account: string;
  interactions: number;
  /** Share of the response, 0–1. */
  weight: number;
}

/** One author's score in a topic, with what explains it. */
export interface AuthorScore {
  account: string;
  /** 1–100, one decimal. */
  score: number;
  /** The log-score X the score is calibrated from: ranks ties of the score. */
  logScore: number;
  factors: ScoreFactor[];
  topEngagers: TopEngager[];
  /** Anti-gaming flags (FLAGS bits), 0 for most. */
  flags: number;
}

/** What the per-author phase knows of each engager, by local account: its weight α(e) and its discount (activity × lockstep). */
export interface EngagerTerms {
  weight: Float64Array;
  discount: Float64Array;
  /** Its own anti-gaming flags (ring, lockstep, farm): FLAGS bits. */
  flags: Uint8Array;
}

/** Per-author state: the pairs with their strengths, grouped by author, the engager terms and the posts. */
export interface AuthorPhase {
  constants: ScoringModel;
  /** Names of the local accounts. */
  accounts: readonly string[];
  pairs: TopicPairs;
  strength: Float64Array;
  /**
   * Author a's top engagers: the pairs `topPairs[a·TOP_ENGAGERS …]`, `topCount[a]` of them, with
   * the largest share of its response first (ties: the earlier engager by name), and those shares.
   */
  topPairs: Uint32Array;
  topShares: Float64Array;
  topCount: Uint8Array;
  engagers: EngagerTerms;
  postCount: Float64Array;
}

const TOP_ENGAGERS = 5;

/** Edge strength `s(e→a) = (ln(1 + min(w, cap)) + follow weight · ln(1 + follows)) · δ(e)`, per pair. */
export const pairStrengths = (pairs: TopicPairs, engagerDiscount: Float64Array, constants: ScoringModel): Float64Array => {
  const strength = new Float64Array(pairs.count);
  for (let k = 0; k < pairs.count; k++) {
    const discount = engagerDiscount[pairs.engager[k]!]!;
    const capped = Math.min(pairs.engagement[k]!, constants.pairWeightCap);
    strength[k] = (Math.log1p(capped) + constants.followWeight * Math.log1p(pairs.follow[k]!)) * discount;
  }
  return strength;
};

/** The weight of a pair in its author's breadth: its discount, if it carries any engagement (not only follows). */
export const breadthShare = (pairs: TopicPairs, k: number, engagerDiscount: Float64Array): number =>
  pairs.engagement[k]! > 0 ? engagerDiscount[pairs.engager[k]!]! : 0;

export const authorPhase = (
  constants: ScoringModel,
  accounts: readonly string[],
  pairs: TopicPairs,
  strength: Float64Array,
  engagers: EngagerTerms,
  postCount: Float64Array,
): AuthorPhase => {
  // Every author's top engagers in one pass over the pairs, rather than a pass over an author's
  // pairs each time it is explained (a full pass explains each author twice: for its file and for its change).
  const topPairs = new Uint32Array(pairs.accountCount * TOP_ENGAGERS);
  const topShares = new Float64Array(pairs.accountCount * TOP_ENGAGERS);
  const topCount = new Uint8Array(pairs.accountCount);
  // Pairs are ordered by engager: each author meets its engagers in name order, and an equal share does not displace an earlier one.
  for (let k = 0; k < pairs.count; k++) {
    const author = pairs.author[k]!;
    const share = strength[k]! * engagers.weight[pairs.engager[k]!]!;
    const first = author * TOP_ENGAGERS;
    const count = topCount[author]!;
    if (count === TOP_ENGAGERS && share <= topShares[first + TOP_ENGAGERS - 1]!) continue;
    let at = count;
    while (at > 0 && topShares[first + at - 1]! < share) at--;
    for (let slot = Math.min(count, TOP_ENGAGERS - 1); slot > at; slot--) {
      topShares[first + slot] = topShares[first + slot - 1]!;
      topPairs[first + slot] = topPairs[first + slot - 1]!;
    }
    topShares[first + at] = share;
    topPairs[first + at] = k;
    if (count < TOP_ENGAGERS) topCount[author] = count + 1;
  }
  return { constants, accounts, pairs, strength, topPairs, topShares, topCount, engagers, postCount };
};

/** Factors and log-score of a list of authors (local accounts), each at the same position. */
export interface AuthorLogScores {
  response: Float64Array;
  breadth: Float64Array;
  efficiency: Float64Array;
  responsePart: Float64Array;
  breadthPart: Float64Array;
  efficiencyPart: Float64Array;
  /** The part of `response` from flagged engagers. */
  flaggedResponse: Float64Array;
  /** 0 for an author without response: not scored. */
  logScore: Float64Array;
}

export const authorLogScores = (phase: AuthorPhase, authors: ArrayLike<number>): AuthorLogScores => {
  const { constants, pairs, strength, engagers, postCount } = phase;
  const { factorWeights, responseUnit } = constants;
  const count = authors.length;
  const out: AuthorLogScores = {
    response: new Float64Array(count),
    breadth: new Float64Array(count),
    efficiency: new Float64Array(count),
    responsePart: new Float64Array(count),
    breadthPart: new Float64Array(count),
    efficiencyPart: new Float64Array(count),
    flaggedResponse: new Float64Array(count),
    logScore: new Float64Array(count),
  };
  // Each pair's terms go to its author in pair order, which is by engager: every author sums its
  // engagers in the same order however many authors are asked for, and the pairs are read in order.
  const position = new Int32Array(pairs.accountCount).fill(-1);
  for (let j = 0; j < count; j++) position[authors[j]!] = j;
  const engagerWeight = engagers.weight;
  const { engager: pairEngager, author: pairAuthor } = pairs;
  const { response: responses, breadth: breadths, flaggedResponse } = out;
  for (let k = 0; k < pairs.count; k++) {
    const j = position[pairAuthor[k]!]!;
    if (j < 0) continue;
    const weight = engagerWeight[pairEngager[k]!]!;
    responses[j]! += strength[k]! * weight;
    if (engagers.flags[pairEngager[k]!]) flaggedResponse[j]! += strength[k]! * weight;
    breadths[j]! += breadthShare(pairs, k, engagers.discount) * Math.min(1, weight);
  }
  for (let j = 0; j < count; j++) {
    const author = authors[j]!;
    const response = out.response[j]!;
    if (response <= 0) continue;
    out.efficiency[j] = response / (1 + postCount[author]!);
    out.responsePart[j] = factorWeights.response * Math.log1p(response / responseUnit);
    out.breadthPart[j] = factorWeights.breadth * Math.log1p(out.breadth[j]! / responseUnit);
    out.efficiencyPart[j] = factorWeights.efficiency * Math.log1p(out.efficiency[j]! / responseUnit);
    out.logScore[j] = out.responsePart[j]! + out.breadthPart[j]! + out.efficiencyPart[j]!;
  }
  return out;
};

/** The flags of the author at position `j` of `authorLogScores(phase, authors)`: its own, and `boosted` when flagged engagers give most of its response. */
export const authorFlags = (phase: AuthorPhase, logScores: AuthorLogScores, j: number, author: number): number =>
  phase.engagers.flags[author]! | (logScores.flaggedResponse[j]! > phase.constants.flaggedResponseShare * logScores.response[j]! ? FLAGS.boosted.bit : 0);

const rounded = (value: number, unit: number) => Math.round(value * unit) / unit;

const factor = (name: keyof typeof FACTORS, value: number, contribution: number): ScoreFactor => ({ name, value, contribution });

/** A factor's share of the points above the base 1, for a part of the log-score. */
const contributionOf = (score: number, logScore: number, part: number): number => rounded(((score - 1) * part) / logScore, 100);

/** The score of the author at position `j` of `authorLogScores(phase, authors)` (with a positive log-score), and what explains it. */
export const explainedScore = (phase: AuthorPhase, logScores: AuthorLogScores, j: number, author: number, calibration: Calibration): AuthorScore => {
  const { pairs, topPairs, topShares, topCount } = phase;
  const logScore = logScores.logScore[j]!;
  const response = logScores.response[j]!;
  const score = roundScore(calibratedScore(calibration, logScore));
  const factors: ScoreFactor[] = [
    factor('base', 1, 1),
    factor('response', rounded(response, 1000), contributionOf(score, logScore, logScores.responsePart[j]!)),
    factor('breadth', rounded(logScores.breadth[j]!, 1000), contributionOf(score, logScore, logScores.breadthPart[j]!)),
    factor('efficiency', rounded(logScores.efficiency[j]!, 1000), contributionOf(score, logScore, logScores.efficiencyPart[j]!)),
  ];
  // Rounding leftovers go to the largest factor (the first of equals), so the contributions add up to the score exactly.
  let largest = factors[0]!;
  let total = 0;
  for (const candidate of factors) {
    if (candidate.contribution > largest.contribution) largest = candidate;
    total += candidate.contribution;
  }
  largest.contribution = rounded(largest.contribution + score - total, 100);

  const first = author * TOP_ENGAGERS;
  const topEngagers: TopEngager[] = new Array(topCount[author]!);
  for (let t = 0; t < topEngagers.length; t++) {
    const k = topPairs[first + t]!;
    topEngagers[t] = {
      account: phase.accounts[pairs.engager[k]!]!,
      interactions: pairs.interactions[k]!,
      weight: rounded(topShares[first + t]! / response, 1000),
    };
  }
  return { account: phase.accounts[author]!, score, logScore, factors, topEngagers, flags: authorFlags(phase, logScores, j, author) };
};
