/**
 * The per-author phase of scoring: from an author's pairs, the weights and discounts of its
 * engagers and its posts, to its factors, log-score, calibrated score and explanation. The full
 * pass (`scoreTopic`) and incremental rescoring (`rescoreAuthors`) both run exactly this code, the
 * first with the engager terms it has just computed, the second with those of a frozen model.
 */
import { calibratedScore, roundScore, type Calibration } from './calibration';
import { groupByKey } from './counting-sort';
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
  /** Author a's pairs are `pairsByAuthor[authorStart[a]..authorStart[a+1])`, by ascending engager. */
  authorStart: Uint32Array;
  pairsByAuthor: Uint32Array;
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
  // Pairs are ordered by engager, so a stable counting sort by author keeps each author's engagers in order.
  const { start: authorStart, order: pairsByAuthor } = groupByKey(pairs.count, pairs.accountCount, (k) => pairs.author[k]!);
  return { constants, accounts, pairs, strength, authorStart, pairsByAuthor, engagers, postCount };
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
  const { pairs, strength, engagers, authorStart, pairsByAuthor } = phase;
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

  // The TOP_ENGAGERS pairs with the largest share of the response (ties: earlier, i.e. by name, first), without sorting them all.
  const top: number[] = [];
  const shares: number[] = [];
  for (let p = authorStart[author]!, end = authorStart[author + 1]!; p < end; p++) {
    const k = pairsByAuthor[p]!;
    const share = strength[k]! * engagers.weight[pairs.engager[k]!]!;
    if (top.length === TOP_ENGAGERS && share <= shares[TOP_ENGAGERS - 1]!) continue;
    let at = top.length;
    while (at > 0 && shares[at - 1]! < share) at--;
    top.splice(at, 0, k);
    shares.splice(at, 0, share);
    if (top.length > TOP_ENGAGERS) {
      top.pop();
      shares.pop();
    }
  }
  const topEngagers: TopEngager[] = new Array(top.length);
  for (let t = 0; t < top.length; t++) {
    const k = top[t]!;
    topEngagers[t] = { account: phase.accounts[pairs.engager[k]!]!, interactions: pairs.interactions[k]!, weight: rounded(shares[t]! / response, 1000) };
  }
  return { account: phase.accounts[author]!, score, logScore, factors, topEngagers, flags: authorFlags(phase, logScores, j, author) };
};
