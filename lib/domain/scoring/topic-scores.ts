/**
 * Scoring of one topic (docs/SCORING.md): the full pass, `scoreTopic`, and incremental rescoring
 * of some authors against a full pass's frozen model, `rescoreAuthors`. Both read columnar
 * aggregates and share the per-author phase (author-scores.ts), so they cannot drift apart.
 */
import { authorFlags, authorLogScores, authorPhase, breadthShare, explainedScore, pairStrengths, type AuthorScore } from './author-scores';
import { calibratedScore, calibrationFor, roundScore } from './calibration';
import { indexOfAccount, type TopicAggregates } from './engagement';
import { farmCohortFactors } from './farm-cohorts';
import { lockstepFactors } from './lockstep';
import { FLAGS, scoringModel, type ScoringModel } from './model';
import type { TopicModel } from './topic-model';
import { buildTopicPairs, dayDecay, decayedPostCounts, reciprocatedPairs, type DayDecay, type TopicPairs } from './topic-pairs';
import { buildWeightedGraph, pageRank } from './weighted-graph';

export type { AuthorScore, ScoreFactor, TopEngager } from './author-scores';

export interface AccountTopicScore extends AuthorScore {
  /** 1 for the best; ties of the score are ranked by log-score, then by account name. */
  rank: number;
}

export interface TopicScores {
  /** Accounts that earned any response, best first. */
  ranked: AccountTopicScore[];
  /** PageRank iterations until convergence. */
  iterations: number;
  /** The pass's engager weights, discounts and calibration, for incremental runs until the next full pass. */
  model: TopicModel;
}

/**
 * A full pass's result without an object per scored account: scores and log-scores as columns,
 * best first, and each entry with its explanation built on demand (`entry`), so that a large
 * topic's results can be written out in chunks. It keeps the pass's pairs to explain them.
 */
export interface TopicRanking {
  /** Accounts that earned any response. */
  count: number;
  /** The account at `position` (0 = best). */
  account(position: number): string;
  score: Float64Array;
  logScore: Float64Array;
  /** Anti-gaming flags (FLAGS bits). */
  flags: Uint8Array;
  /** The entry at `position`, as `scoreTopic` ranks it. */
  entry(position: number): AccountTopicScore;
  /** The accounts of the input not scored (earning no response), in name order. */
  unscored(): string[];
  /** The position of `account`; -1 when it is not scored. */
  positionOf(account: string): number;
  /** Every position, in the name order of their accounts. */
  positionsByName(): Uint32Array;
  iterations: number;
  model: TopicModel;
}

/** The order of `ranked`: by score, then log-score, then account name. For callers that rank rescored authors among others. */
export const compareAuthorScores = (a: AuthorScore, b: AuthorScore): number =>
  b.score - a.score || b.logScore - a.logScore || (a.account < b.account ? -1 : a.account > b.account ? 1 : 0);

/** An engager nobody responds to that responded to `authors` distinct authors counts `min(1, √(threshold / authors))` per reaction. */
const activityDiscount = (authors: number, constants: ScoringModel): number =>
  Math.min(1, Math.sqrt(constants.engagerAuthorsBeforeDiscount / Math.max(1, authors)));

/** Per account, 1 if anyone in the topic responded to it (a pair with engagement, not only follows, names it as the author). */
const respondedAccounts = (pairs: TopicPairs): Uint8Array => {
  const responded = new Uint8Array(pairs.accountCount);
  for (let k = 0; k < pairs.count; k++) if (pairs.engagement[k]! > 0) responded[pairs.author[k]!] = 1;
  return responded;
};

/**
 * Ring members: authors that return engagement to at least `ringMinPartners` of their engagers,
 * and to more than half of them.
 */
const ringFlags = (pairs: TopicPairs, reciprocated: Uint8Array, constants: ScoringModel, flags: Uint8Array): void => {
  const engagers = new Uint32Array(pairs.accountCount);
  const returned = new Uint32Array(pairs.accountCount);
  for (let k = 0; k < pairs.count; k++) {
    if (!(pairs.engagement[k]! > 0)) continue;
    engagers[pairs.author[k]!]!++;
    if (reciprocated[k]) returned[pairs.author[k]!]!++;
  }
  for (let a = 0; a < pairs.accountCount; a++) {
    if (returned[a]! >= constants.ringMinPartners && 2 * returned[a]! > engagers[a]!) flags[a]! |= FLAGS.ring.bit;
  }
};

/**
 * The pairs, each engager's discount (lockstep × farm cohort × for engagers nobody responds to,
 * activity) and each account's own flags (ring, lockstep, farm). The rows are let go here.
 */
const pairsAndEngagerTerms = (
  input: TopicAggregates,
  decayOf: DayDecay,
  constants: ScoringModel,
): { pairs: TopicPairs; reciprocated: Uint8Array; discount: Float64Array; flags: Uint8Array } => {
  const { pairs, rows } = buildTopicPairs(input, decayOf, constants);
  const responded = respondedAccounts(pairs);
  const lockstep = lockstepFactors(input, pairs.accountCount, rows, constants);
  const farm = farmCohortFactors(input, pairs, rows, responded, constants);
  const reciprocated = reciprocatedPairs(pairs);
  const discount = new Float64Array(pairs.accountCount);
  const flags = new Uint8Array(pairs.accountCount);
  for (let e = 0; e < pairs.accountCount; e++) {
    const activity = responded[e] ? 1 : activityDiscount(pairs.engagerStart[e + 1]! - pairs.engagerStart[e]!, constants);
    discount[e] = activity * lockstep[e]! * farm[e]!;
    if (lockstep[e]! < 1) flags[e]! |= FLAGS.lockstep.bit;
    if (farm[e]! < 1) flags[e]! |= FLAGS.farm.bit;
  }
  ringFlags(pairs, reciprocated, constants, flags);
  return { pairs, reciprocated, discount, flags };
};

/**
 * Scores one topic from its aggregates. Deterministic: the same aggregates give the same scores
 * bit for bit, whatever the order of the rows and however a day's counts are split between rows.
 */
export const scoreTopic = (input: TopicAggregates, asOf: Date, options: { constants?: ScoringModel } = {}): TopicScores => {
  const ranking = scoreTopicRanking(input, asOf, options);
  const ranked: AccountTopicScore[] = new Array(ranking.count);
  for (let position = 0; position < ranking.count; position++) ranked[position] = ranking.entry(position);
  return { ranked, iterations: ranking.iterations, model: ranking.model };
};

/** `scoreTopic`, with the entries built only when asked for. */
export const scoreTopicRanking = (input: TopicAggregates, asOf: Date, { constants = scoringModel }: { constants?: ScoringModel } = {}): TopicRanking => {
  const decayOf = dayDecay(asOf, constants);
  const { pairs, reciprocated, discount, flags } = pairsAndEngagerTerms(input, decayOf, constants);
  const n = pairs.accountCount;
  const accounts = Array.from(pairs.inputAccount, (i) => input.accounts[i]!);
  const strength = pairStrengths(pairs, discount, constants);

  // Authority: weighted PageRank, jumping by a trust prior that rings and farms cannot forge.
  const prior = new Float64Array(n).fill(constants.priorFloor);
  const returnedShare = constants.returnedAuthorityShare;
  for (let k = 0; k < pairs.count; k++) prior[pairs.author[k]!]! += breadthShare(pairs, k, discount) * (reciprocated[k] ? returnedShare : 1);
  let priorTotal = 0;
  for (let i = 0; i < n; i++) priorTotal += prior[i]!;
  for (let i = 0; i < n; i++) prior[i]! /= priorTotal;
  // Authority flows only along engagement that is not returned: what two accounts give each other earns neither of them standing.
  const graph = buildWeightedGraph(
    n,
    pairs.engager,
    pairs.author,
    Float64Array.from(strength, (value, k) => (reciprocated[k] ? value * returnedShare : value)),
  );
  const { rank, iterations, spread } = pageRank(graph, {
    damping: constants.damping,
    prior,
    tolerance: constants.tolerance,
    maxIterations: constants.maxIterations,
  });
  const engagerWeight = (authority: number) => constants.engagerWeightFloor + Math.min(constants.authorityCap, authority);
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) weight[i] = engagerWeight(rank[i]! * n);
  // An account the pass did not see has no in-edges: its rank is what the jump gives its prior's floor.
  const unknownEngager = {
    weight: engagerWeight(n === 0 ? 1 : spread * (constants.priorFloor / priorTotal) * n),
    discount: activityDiscount(1, constants),
  };

  const phase = authorPhase(constants, accounts, pairs, strength, { weight, discount, flags }, decayedPostCounts(input, pairs, decayOf));
  const everyone = new Uint32Array(n);
  for (let i = 0; i < n; i++) everyone[i] = i;
  const logScores = authorLogScores(phase, everyone);
  const calibration = calibrationFor(logScores.logScore);

  const scored: number[] = [];
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!(logScores.logScore[i]! > 0)) continue;
    scored.push(i);
    scores[i] = roundScore(calibratedScore(calibration, logScores.logScore[i]!));
  }
  // Local indices follow name order, so the last tie-break is by name.
  scored.sort((a, b) => scores[b]! - scores[a]! || logScores.logScore[b]! - logScores.logScore[a]! || a - b);
  const order = Uint32Array.from(scored);
  // Each local account's position (-1: not scored), built when first asked for.
  let positionOfLocal: Int32Array | undefined;
  const positionsOfLocal = (): Int32Array => {
    if (!positionOfLocal) {
      positionOfLocal = new Int32Array(n).fill(-1);
      for (let position = 0; position < order.length; position++) positionOfLocal[order[position]!] = position;
    }
    return positionOfLocal;
  };
  return {
    count: order.length,
    account: (position) => accounts[order[position]!]!,
    score: Float64Array.from(order, (i) => scores[i]!),
    logScore: Float64Array.from(order, (i) => logScores.logScore[i]!),
    flags: Uint8Array.from(order, (i) => authorFlags(phase, logScores, i, i)),
    entry: (position) => {
      const i = order[position]!;
      const entry = explainedScore(phase, logScores, i, i, calibration) as AccountTopicScore;
      entry.rank = position + 1;
      return entry;
    },
    positionOf: (account) => {
      const local = indexOfAccount(accounts, account);
      return local < 0 ? -1 : positionsOfLocal()[local]!;
    },
    positionsByName: () => {
      const ofLocal = positionsOfLocal();
      const byName = new Uint32Array(order.length);
      let next = 0;
      for (let i = 0; i < n; i++) if (ofLocal[i]! >= 0) byName[next++] = ofLocal[i]!;
      return byName;
    },
    unscored: () => {
      const isScored = new Uint8Array(input.accounts.length);
      for (const i of order) isScored[pairs.inputAccount[i]!] = 1;
      return input.accounts.filter((_, index) => !isScored[index]);
    },
    iterations,
    model: { asOf, constants, accounts, weight, discount, flags, unknownEngager, calibration, scoredCount: order.length },
  };
};

export interface RescoredAuthors {
  /** The authors that earn response, in name order: score, log-score, factors, top engagers (no rank: the caller ranks). */
  scores: AuthorScore[];
  /** The authors that earn none any more (or never did): they have no score in the topic. */
  unscored: string[];
}

/**
 * Rescores `authors` of a topic against the frozen model of its last full pass: their pairs are
 * rebuilt from `input`, which must hold (at least) every engagement whose author or engager is one
 * of them and their posts; engager weights, discounts and the calibration come from `model`.
 * With the pass's own window, each author gets exactly what the pass gave it, bit for bit. After
 * new interactions, rescore both ends of each: a new e → a can make a → e a returned pair, which
 * changes e's score as an author.
 */
export const rescoreAuthors = (model: TopicModel, input: TopicAggregates, authors: readonly string[], asOf: Date): RescoredAuthors => {
  const { constants } = model;
  const decayOf = dayDecay(asOf, constants);
  const { pairs } = buildTopicPairs(input, decayOf, constants);
  const n = pairs.accountCount;
  const accounts = Array.from(pairs.inputAccount, (i) => input.accounts[i]!);

  // The frozen terms of each engager: both account lists are in name order, so one merge finds them.
  const weight = new Float64Array(n).fill(model.unknownEngager.weight);
  const discount = new Float64Array(n).fill(model.unknownEngager.discount);
  // An account the pass did not know is flagged only as boosted, until the next full pass looks at it.
  const flags = new Uint8Array(n);
  for (let i = 0, m = 0; i < n; i++) {
    const account = accounts[i]!;
    while (m < model.accounts.length && model.accounts[m]! < account) m++;
    if (model.accounts[m] === account) {
      weight[i] = model.weight[m]!;
      discount[i] = model.discount[m]!;
      flags[i] = model.flags[m]!;
    }
  }
  const strength = pairStrengths(pairs, discount, constants);
  const phase = authorPhase(constants, accounts, pairs, strength, { weight, discount, flags }, decayedPostCounts(input, pairs, decayOf));

  const wanted = [...new Set(authors)].sort();
  const present = wanted.map((author) => indexOfAccount(accounts, author)).filter((i) => i >= 0);
  const logScores = authorLogScores(phase, present);
  const scores: AuthorScore[] = [];
  present.forEach((author, j) => {
    if (logScores.logScore[j]! > 0) scores.push(explainedScore(phase, logScores, j, author, model.calibration));
  });
  const scored = new Set(scores.map((entry) => entry.account));
  return { scores, unscored: wanted.filter((author) => !scored.has(author)) };
};
