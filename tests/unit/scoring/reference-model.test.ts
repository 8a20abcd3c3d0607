/**
 * The scorer against a second, plain reading of docs/SCORING.md: maps and sets instead of sorted
 * typed arrays, a dense power iteration instead of the active-node PageRank, every sum written as
 * the formula says it. Whatever the fast kernel does to be fast (counting sorts, hashes of target
 * runs, binary searches, static nodes folded into one coefficient), it has to land on the same
 * numbers as this, on random topics full of the irregularities of real windows
 * (tests/unit/scoring/random-topic.ts) and with other constants. Small and fast on purpose: the
 * mutation run (stryker.config.mjs) runs it for every mutant of the scoring code.
 */
import { describe, expect, it } from 'vitest';
import {
  aggregatesTouching,
  emptyEngagementColumns,
  emptyPostColumns,
  ENGAGEMENT_COUNT_COLUMNS,
  type TopicAggregates,
} from '../../../lib/domain/scoring/engagement';
import { scoringModel, type ScoringModel } from '../../../lib/domain/scoring/model';
import { rescoreAuthors, scoreTopic, type AuthorScore } from '../../../lib/domain/scoring/topic-scores';
import { buildWeightedGraph, pageRank } from '../../../lib/domain/scoring/weighted-graph';
import { seededRandom } from '../../../lib/dev/evaluation/seeded-random';
import { RANDOM_TOPIC_AS_OF, randomTopic } from './random-topic';

const DAY_MS = 86_400_000;
const TODAY = Math.floor(RANDOM_TOPIC_AS_OF.getTime() / DAY_MS);

interface Pair {
  engager: number;
  author: number;
  /** Counts by type, summed per day. */
  days: Map<number, number[]>;
}

interface EngagerTerm {
  weight: number;
  discount: number;
}

interface Calibration {
  logScores: number[];
  scores: number[];
}

const rounded = (value: number, unit: number) => Math.round(value * unit) / unit;

/** The pairs of a window as the formulas read them, with what every later step needs of them. */
const windowOf = (input: TopicAggregates, asOf: Date, constants: ScoringModel) => {
  const today = asOf.getTime() / DAY_MS;
  const decay = (day: number) => {
    const age = Math.max(0, today - day);
    return age > constants.windowDays ? 0 : 2 ** (-age / constants.halfLifeDays);
  };
  const pairs = new Map<string, Pair>();
  const targets = new Map<number, Set<string>>();
  const { edges } = input;
  for (let r = 0; r < edges.length; r++) {
    const author = edges.author[r]!;
    const engager = edges.engager[r]!;
    const day = edges.day[r]!;
    if (author === engager || decay(day) === 0) continue;
    const key = `${engager}>${author}`;
    const pair = pairs.get(key) ?? { engager, author, days: new Map<number, number[]>() };
    pairs.set(key, pair);
    const counts = pair.days.get(day) ?? [0, 0, 0, 0, 0, 0];
    ENGAGEMENT_COUNT_COLUMNS.forEach((type, i) => {
      counts[i]! += edges[type][r]!;
    });
    pair.days.set(day, counts);
    targets.set(engager, (targets.get(engager) ?? new Set()).add(`${author}@${day}`));
  }
  const { engagementWeights: w, followWeight, pairWeightCap } = constants;
  const measured = [...pairs.values()].map((pair) => {
    let engagement = 0;
    let follow = 0;
    let interactions = 0;
    for (const day of [...pair.days.keys()].sort((a, b) => a - b)) {
      const [reply, quote, share, like, mention, follows] = pair.days.get(day)!;
      engagement += (w.reply * reply! + w.quote * quote! + w.share * share! + w.like * like! + w.mention * mention!) * decay(day);
      follow += follows! * decay(day);
      interactions += reply! + quote! + share! + like! + mention! + follows!;
    }
    const reciprocated = pairs.has(`${pair.author}>${pair.engager}`);
    return { engager: pair.engager, author: pair.author, engagement, follow, interactions, reciprocated, days: pair.days.size };
  });
  const accounts = [...new Set(measured.flatMap((pair) => [pair.engager, pair.author]))].sort((a, b) => a - b);
  const posts = new Map<number, number>();
  const known = new Set(accounts);
  for (let r = 0; r < input.posts.length; r++) {
    const author = input.posts.author[r]!;
    if (known.has(author)) posts.set(author, (posts.get(author) ?? 0) + input.posts.count[r]! * decay(input.posts.day[r]!));
  }
  /** A pair's strength and breadth share under its engager's discount. */
  const pairTerms = (pair: (typeof measured)[number], discount: number) => ({
    strength: (Math.log1p(Math.min(pair.engagement, pairWeightCap)) + followWeight * Math.log1p(pair.follow)) * discount,
    breadth: pair.engagement > 0 ? discount : 0,
  });
  return { pairs: measured, accounts, targets, posts, pairTerms };
};

type Window = ReturnType<typeof windowOf>;

/** Each author's factors and explanation from its pairs, given the engagers' terms and a calibration. */
const authorScores = (
  input: TopicAggregates,
  window: Window,
  termsOf: (account: number) => EngagerTerm,
  calibration: Calibration,
  constants: ScoringModel,
): AuthorScore[] => {
  const { factorWeights, responseUnit } = constants;
  const scored: AuthorScore[] = [];
  for (const author of window.accounts) {
    const own = window.pairs
      .filter((pair) => pair.author === author)
      .map((pair) => {
        const { weight, discount } = termsOf(pair.engager);
        const { strength, breadth } = window.pairTerms(pair, discount);
        return { pair, share: strength * weight, breadth: breadth * Math.min(1, weight) };
      });
    const response = own.reduce((sum, term) => sum + term.share, 0);
    if (!(response > 0)) continue;
    const breadth = own.reduce((sum, term) => sum + term.breadth, 0);
    const efficiency = response / (1 + (window.posts.get(author) ?? 0));
    const parts = {
      response: factorWeights.response * Math.log1p(response / responseUnit),
      breadth: factorWeights.breadth * Math.log1p(breadth / responseUnit),
      efficiency: factorWeights.efficiency * Math.log1p(efficiency / responseUnit),
    };
    const logScore = parts.response + parts.breadth + parts.efficiency;
    const score = Math.min(100, Math.max(1, rounded(calibrated(calibration, logScore), 10)));
    const factors = [
      { name: 'base' as const, value: 1, contribution: 1 },
      { name: 'response' as const, value: rounded(response, 1000), contribution: rounded(((score - 1) * parts.response) / logScore, 100) },
      { name: 'breadth' as const, value: rounded(breadth, 1000), contribution: rounded(((score - 1) * parts.breadth) / logScore, 100) },
      { name: 'efficiency' as const, value: rounded(efficiency, 1000), contribution: rounded(((score - 1) * parts.efficiency) / logScore, 100) },
    ];
    const largest = factors.reduce((top, factor) => (factor.contribution > top.contribution ? factor : top));
    largest.contribution = rounded(largest.contribution + score - factors.reduce((sum, factor) => sum + factor.contribution, 0), 100);
    const name = (account: number) => input.accounts[account]!;
    const topEngagers = [...own]
      .sort((a, b) => b.share - a.share || (name(a.pair.engager) < name(b.pair.engager) ? -1 : 1))
      .slice(0, 5)
      .map((term) => ({ account: name(term.pair.engager), interactions: term.pair.interactions, weight: rounded(term.share / response, 1000) }));
    scored.push({ account: name(author), score, logScore, factors, topEngagers, flags: 0 });
  }
  return scored;
};

const calibrated = ({ logScores, scores }: Calibration, logScore: number): number => {
  if (logScores.length === 0 || logScore <= 0) return 1;
  const top = logScores[logScores.length - 1]!;
  if (logScore >= top) return 100;
  const i = logScores.findIndex((anchor) => logScore <= anchor);
  return scores[i - 1]! + ((logScore - logScores[i - 1]!) / (logScores[i]! - logScores[i - 1]!)) * (scores[i]! - scores[i - 1]!);
};

/** Median at 20 and 95th percentile at 50 (for 20 accounts or more), 0 at 1 and the top at 100, linear between. */
const calibrationOf = (logScores: number[]): Calibration => {
  const sorted = logScores.filter((value) => value > 0).sort((a, b) => a - b);
  if (sorted.length === 0) return { logScores: [], scores: [] };
  const top = sorted[sorted.length - 1]!;
  const quantile = (q: number) => {
    const position = q * (sorted.length - 1);
    const low = Math.floor(position);
    const high = Math.min(sorted.length - 1, low + 1);
    return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
  };
  const calibration: Calibration = { logScores: [0], scores: [1] };
  if (sorted.length >= 20) {
    for (const [q, score] of [
      [0.5, 20],
      [0.95, 50],
    ] as const) {
      const at = quantile(q);
      if (at > calibration.logScores.at(-1)! && at < top) {
        calibration.logScores.push(at);
        calibration.scores.push(score);
      }
    }
  }
  calibration.logScores.push(top);
  calibration.scores.push(100);
  return calibration;
};

/** The full pass: discounts, the trust prior, PageRank by dense power iteration, engager weights, then every author. */
const referencePass = (input: TopicAggregates, asOf: Date, constants: ScoringModel) => {
  const window = windowOf(input, asOf, constants);
  const { accounts, pairs } = window;
  const n = accounts.length;
  const at = new Map(accounts.map((account, i) => [account, i]));

  // Lockstep: engagers with the same set of (author, day) targets, enough of them, in a large enough group.
  const lockstep = new Map<number, number>();
  const groups = new Map<string, number[]>();
  for (const [engager, set] of window.targets) {
    if (set.size < constants.lockstepMinTargets) continue;
    const key = [...set].sort().join(' ');
    groups.set(key, [...(groups.get(key) ?? []), engager]);
  }
  for (const members of groups.values())
    if (members.length >= constants.lockstepGroupSize) for (const member of members) lockstep.set(member, 1 / members.length);
  // Accounts someone responds to (not only follows); the others are the only ones discounted for activity.
  const responded = new Set(pairs.filter((pair) => pair.engagement > 0).map((pair) => pair.author));
  // Farm cohorts: unknowns whose only pair, with engagement on enough days, is with the same author, enough of them.
  const cohorts = new Map<number, number[]>();
  for (const account of accounts) {
    const own = pairs.filter((pair) => pair.engager === account);
    if (responded.has(account) || own.length !== 1 || !(own[0]!.engagement > 0) || own[0]!.days < constants.farmEngagerMinDays) continue;
    cohorts.set(own[0]!.author, [...(cohorts.get(own[0]!.author) ?? []), account]);
  }
  const farm = new Map<number, number>();
  for (const members of cohorts.values()) if (members.length >= constants.farmCohortSize) for (const member of members) farm.set(member, 1 / members.length);
  const activity = (authors: number) => Math.min(1, Math.sqrt(constants.engagerAuthorsBeforeDiscount / Math.max(1, authors)));
  const discount = accounts.map(
    (account) =>
      (responded.has(account) ? 1 : activity(pairs.filter((pair) => pair.engager === account).length)) *
      (lockstep.get(account) ?? 1) *
      (farm.get(account) ?? 1),
  );

  const terms = pairs.map((pair) => window.pairTerms(pair, discount[at.get(pair.engager)!]!));
  const prior = new Array<number>(n).fill(constants.priorFloor);
  pairs.forEach((pair, k) => {
    if (!pair.reciprocated) prior[at.get(pair.author)!]! += terms[k]!.breadth;
  });
  const priorTotal = prior.reduce((sum, value) => sum + value, 0);
  for (let i = 0; i < n; i++) prior[i]! /= priorTotal;

  // Authority flows along engagement that is not returned.
  const authority = pairs.map((pair, k) => (pair.reciprocated ? 0 : terms[k]!.strength));
  const out = new Array<number>(n).fill(0);
  pairs.forEach((pair, k) => {
    out[at.get(pair.engager)!]! += authority[k]!;
  });
  let rank = [...prior];
  let spread = 1;
  let iterations = 0;
  while (iterations < constants.maxIterations) {
    iterations++;
    const dangling = rank.reduce((sum, value, u) => sum + (out[u] === 0 ? value : 0), 0);
    spread = constants.damping * dangling + (1 - constants.damping);
    const next = prior.map((value) => spread * value);
    pairs.forEach((pair, k) => {
      const u = at.get(pair.engager)!;
      if (out[u]! > 0) next[at.get(pair.author)!]! += (constants.damping * rank[u]! * authority[k]!) / out[u]!;
    });
    const change = next.reduce((sum, value, v) => sum + Math.abs(value - rank[v]!), 0);
    rank = next;
    if (change < n * constants.tolerance) break;
  }
  const engagerWeight = (authority: number) => constants.engagerWeightFloor + Math.min(constants.authorityCap, authority);
  const weight = rank.map((value) => engagerWeight(value * n));
  const termsOf = (account: number) => ({ weight: weight[at.get(account)!]!, discount: discount[at.get(account)!]! });

  const unscaled = authorScores(input, window, termsOf, { logScores: [], scores: [] }, constants);
  const calibration = calibrationOf(unscaled.map((entry) => entry.logScore));
  const ranked = authorScores(input, window, termsOf, calibration, constants).sort(
    (a, b) => b.score - a.score || b.logScore - a.logScore || (a.account < b.account ? -1 : 1),
  );
  return {
    ranked,
    iterations,
    model: {
      accounts: accounts.map((account) => input.accounts[account]!),
      weight,
      discount,
      unknownEngager: { weight: engagerWeight(n === 0 ? 1 : spread * (constants.priorFloor / priorTotal) * n), discount: activity(1) },
      calibration,
    },
  };
};

/** Floating-point sums in another order: equal to within a few units in the last place. */
const close = (actual: number, expected: number) => Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));

const expectSameScores = (actual: readonly AuthorScore[], expected: readonly AuthorScore[]) => {
  expect(actual.map((entry) => entry.account)).toEqual(expected.map((entry) => entry.account));
  actual.forEach((entry, i) => {
    const want = expected[i]!;
    expect({ account: entry.account, score: entry.score, factors: entry.factors, topEngagers: entry.topEngagers }).toEqual({
      account: want.account,
      score: want.score,
      factors: want.factors,
      topEngagers: want.topEngagers,
    });
    expect(close(entry.logScore, want.logScore), `${entry.account}: log-score ${entry.logScore} vs ${want.logScore}`).toBe(true);
  });
};

const expectClose = (actual: ArrayLike<number>, expected: readonly number[]) => {
  expect(actual.length).toBe(expected.length);
  const off = expected.map((value, i) => [i, actual[i]!, value] as const).filter(([, a, b]) => !close(a, b));
  expect(off).toEqual([]);
};

/** Other constants, so that no constant is right only by being the default: small lockstep groups, a tight cap, long memory. */
const otherConstants = {
  ...scoringModel,
  windowDays: 45,
  halfLifeDays: 9,
  engagementWeights: { reply: 4, quote: 2.5, share: 1.5, like: 0.5, mention: 1.25 },
  followWeight: 0.8,
  pairWeightCap: 1.5,
  engagerAuthorsBeforeDiscount: 3,
  lockstepMinTargets: 2,
  lockstepGroupSize: 3,
  farmEngagerMinDays: 3,
  farmCohortSize: 3,
  damping: 0.7,
  priorFloor: 0.2,
  engagerWeightFloor: 0.3,
  authorityCap: 2,
  responseUnit: 0.5,
  factorWeights: { response: 0.3, breadth: 0.5, efficiency: 0.2 },
} as unknown as ScoringModel; // the model's type is its literal values

/** A random topic with a day far after the scoring day (days then span too far to count-sort by offset). */
const withDistantFuture = (input: TopicAggregates): TopicAggregates => {
  const day = Int32Array.from(input.edges.day, (value, r) => (r % 7 === 3 ? TODAY + 70_000 + (r % 3) : value));
  const postDay = Int32Array.from(input.posts.day, (value, r) => (r % 5 === 1 ? TODAY + 80_000 : value));
  return { ...input, edges: { ...input.edges, day }, posts: { ...input.posts, day: postDay } };
};

interface NamedRow {
  author: string;
  engager: string;
  day: number;
  /** By ENGAGEMENT_COUNT_COLUMNS. */
  counts: number[];
}

/** The topic with more engagement rows, between its accounts or new ones. */
const withRows = (input: TopicAggregates, rows: readonly NamedRow[]): TopicAggregates => {
  const accounts = [...new Set([...input.accounts, ...rows.flatMap((row) => [row.author, row.engager])])].sort();
  const index = new Map(accounts.map((account, i) => [account, i]));
  const renumber = (column: Uint32Array) => Uint32Array.from(column, (i) => index.get(input.accounts[i]!)!);
  const length = input.edges.length + rows.length;
  const extended = <T extends Uint32Array | Int32Array>(old: T, value: (row: NamedRow) => number): T => {
    const column = new (old.constructor as new (length: number) => T)(length);
    column.set(old);
    rows.forEach((row, j) => {
      column[old.length + j] = value(row);
    });
    return column;
  };
  const edges = {
    length,
    author: extended(renumber(input.edges.author), (row) => index.get(row.author)!),
    engager: extended(renumber(input.edges.engager), (row) => index.get(row.engager)!),
    day: extended(input.edges.day, (row) => row.day),
    ...Object.fromEntries(ENGAGEMENT_COUNT_COLUMNS.map((type, i) => [type, extended(input.edges[type], (row) => row.counts[i]!)])),
  } as TopicAggregates['edges'];
  return { accounts, edges, posts: { ...input.posts, author: renumber(input.posts.author) } };
};

/**
 * Lockstep groups of new accounts that do nothing else, named so that other candidates sort
 * between the members: a group of `size` on the same targets (among them one author on two days
 * and two authors on one day), one member of which repeats a target over two rows (still the same
 * target) and sorts first; a set one member short of a group; near-copies that differ in one day
 * or one author; and a group as large whose rows are enough but whose distinct targets are not.
 */
const withLockstep = (
  input: TopicAggregates,
  seed: number,
  { size, targets: targetCount, minTargets }: { size: number; targets: number; minTargets: number },
): TopicAggregates => {
  const random = seededRandom(seed);
  const [a1, a2, a3, a4] = [0, 1, 2, 3].map((i) => input.accounts[(Math.floor(random() * input.accounts.length) + i * 7) % input.accounts.length]!);
  const pattern = [
    { author: a1!, day: TODAY - 1 },
    { author: a1!, day: TODAY - 2 },
    { author: a2!, day: TODAY - 2 },
    { author: a3!, day: TODAY - 3 },
    { author: a4!, day: TODAY - 3 },
    { author: a2!, day: TODAY - 5 },
  ];
  const targets = pattern.slice(0, targetCount);
  const like = [0, 0, 1, 1, 0, 0];
  const rows: NamedRow[] = [];
  const member = (name: string, own: readonly { author: string; day: number }[]) => {
    for (const target of own) rows.push({ ...target, engager: name, counts: like });
  };
  // Names x:m<i>-<kind>: the members of each set interleave in name order.
  member(`x:m0-${seed}`, [...targets, targets[targets.length - 1]!]);
  for (let m = 1; m < size; m++) member(`x:m${m}-group`, targets);
  for (let m = 0; m < size - 2; m++) member(`x:m${m}-short`, targets.slice(1));
  member(
    `x:m0-other-day`,
    targets.map((target, i) => (i === 1 ? { ...target, day: target.day - 20 } : target)),
  );
  member(
    `x:m0-other-author`,
    targets.map((target, i) => (i === 1 ? { ...target, author: a4! } : target)),
  );
  const few = pattern.slice(0, minTargets - 1);
  for (let m = 0; m < size; m++) member(`x:m${m}-few`, [...few, ...few]);
  return withRows(input, rows);
};

/**
 * A farm cohort of new accounts around one author of the topic, named so that other candidates
 * sort between the members: `size` accounts that engage only that author, each on `minDays`
 * distinct days (one of them over two rows of the same day as well), and near-misses — a cohort
 * one short around a second author, an account that also engages another author, one that someone
 * responds to, one that came back on too few days, and passers-by who engaged the first author once.
 */
const withFarm = (
  input: TopicAggregates,
  seed: number,
  { size, minDays, cohortSize }: { size: number; minDays: number; cohortSize: number },
): TopicAggregates => {
  const random = seededRandom(seed);
  const [farmed, other, third] = [0, 1, 2].map((i) => input.accounts[(Math.floor(random() * input.accounts.length) + i * 11) % input.accounts.length]!);
  const like = [0, 0, 0, 1, 0, 0];
  const rows: NamedRow[] = [];
  // Each account on days of its own, so that no two form a lockstep group.
  let offset = 0;
  const visits = (engager: string, author: string, days: number) => {
    offset++;
    for (let d = 0; d < days; d++) rows.push({ author, engager, day: TODAY - offset - d * 3, counts: like });
  };
  visits(`x:f0-${seed}`, farmed!, minDays);
  rows.push({ author: farmed!, engager: `x:f0-${seed}`, day: TODAY - offset, counts: [1, 0, 0, 0, 0, 0] });
  for (let m = 1; m < size; m++) visits(`x:f${m}-bot`, farmed!, minDays);
  for (let m = 0; m < cohortSize - 1; m++) visits(`x:f${m}-short`, other!, minDays);
  visits('x:f0-two-authors', farmed!, minDays);
  visits('x:f0-two-authors', third!, 1);
  visits('x:f0-answered', farmed!, minDays);
  rows.push({ author: 'x:f0-answered', engager: third!, day: TODAY - 2, counts: [1, 0, 0, 0, 0, 0] });
  visits('x:f0-few-days', farmed!, minDays - 1);
  rows.push({ author: farmed!, engager: 'x:f0-few-days', day: TODAY - offset, counts: like });
  for (let m = 0; m < size; m++) visits(`x:f${m}-passer-by`, farmed!, 1);
  return withRows(input, rows);
};

const SEEDS = Array.from({ length: 8 }, (_, i) => i + 1);

describe('the scorer agrees with a plain reading of the formulas', () => {
  it.each(SEEDS)('random topic %i: ranking, scores, factors, top engagers, PageRank iterations and the frozen model', (seed) => {
    const input = randomTopic(seed);
    const actual = scoreTopic(input, RANDOM_TOPIC_AS_OF);
    const expected = referencePass(input, RANDOM_TOPIC_AS_OF, scoringModel);
    expectSameScores(actual.ranked, expected.ranked);
    expect(actual.ranked.map((entry) => entry.rank)).toEqual(expected.ranked.map((_, i) => i + 1));
    expect(actual.iterations).toBe(expected.iterations);
    expect(actual.model.accounts).toEqual(expected.model.accounts);
    expectClose(actual.model.weight, expected.model.weight);
    expectClose(actual.model.discount, expected.model.discount);
    expect(close(actual.model.unknownEngager.weight, expected.model.unknownEngager.weight)).toBe(true);
    expect(actual.model.unknownEngager.discount).toBe(expected.model.unknownEngager.discount);
    expect(actual.model.calibration.scores).toEqual(expected.model.calibration.scores);
    expectClose(actual.model.calibration.logScores, expected.model.calibration.logScores);
    expect(actual.model.scoredCount).toBe(expected.ranked.length);
  });

  it.each(SEEDS.slice(0, 4))('random topic %i under other constants', (seed) => {
    const input = randomTopic(seed + 100);
    const actual = scoreTopic(input, RANDOM_TOPIC_AS_OF, { constants: otherConstants });
    const expected = referencePass(input, RANDOM_TOPIC_AS_OF, otherConstants);
    expectSameScores(actual.ranked, expected.ranked);
    expect(actual.iterations).toBe(expected.iterations);
    expectClose(actual.model.weight, expected.model.weight);
    expectClose(actual.model.discount, expected.model.discount);
    expect(close(actual.model.unknownEngager.weight, expected.model.unknownEngager.weight)).toBe(true);
  });

  it.each([1, 2, 3])('random topic %i with days far after the scoring day', (seed) => {
    const input = withDistantFuture(randomTopic(seed + 200));
    expectSameScores(scoreTopic(input, RANDOM_TOPIC_AS_OF).ranked, referencePass(input, RANDOM_TOPIC_AS_OF, scoringModel).ranked);
  });

  it.each([
    [1, scoringModel, { size: 5, targets: 4 }],
    [2, scoringModel, { size: 7, targets: 6 }],
    [3, otherConstants, { size: 3, targets: 2 }],
    [4, otherConstants, { size: 4, targets: 5 }],
  ] as const)('random topic %i with lockstep groups', (seed, constants, group) => {
    const input = withLockstep(randomTopic(seed + 400), seed, { ...group, minTargets: constants.lockstepMinTargets });
    const actual = scoreTopic(input, RANDOM_TOPIC_AS_OF, { constants });
    const expected = referencePass(input, RANDOM_TOPIC_AS_OF, constants);
    expectSameScores(actual.ranked, expected.ranked);
    expectClose(actual.model.discount, expected.model.discount);
    // The group's members count as one: each has the discount of an account with the same authors over its group's size.
    const discount = (account: string) => actual.model.discount[actual.model.accounts.indexOf(account)]!;
    expect(discount(`x:m0-${seed}`)).toBeCloseTo(discount('x:m0-other-day') / group.size, 12);
    expect(discount('x:m1-group')).toBe(discount(`x:m0-${seed}`));
    // Nobody else is in a group: a set one member short, near-copies, enough rows but too few targets.
    for (const loner of ['x:m0-short', 'x:m0-other-day', 'x:m0-other-author', 'x:m0-few', 'x:m1-few'])
      expect(discount(loner)).toBeGreaterThan(discount('x:m1-group'));
  });

  it.each([
    [1, scoringModel, 5],
    [2, scoringModel, 9],
    [3, otherConstants, 3],
    [4, otherConstants, 4],
  ] as const)('random topic %i with a farm cohort', (seed, constants, size) => {
    const input = withFarm(randomTopic(seed + 500), seed, { size, minDays: constants.farmEngagerMinDays, cohortSize: constants.farmCohortSize });
    const actual = scoreTopic(input, RANDOM_TOPIC_AS_OF, { constants });
    const expected = referencePass(input, RANDOM_TOPIC_AS_OF, constants);
    expectSameScores(actual.ranked, expected.ranked);
    expectClose(actual.model.discount, expected.model.discount);
    expectClose(actual.model.weight, expected.model.weight);
    const terms = (account: string) => {
      const i = actual.model.accounts.indexOf(account);
      return { weight: actual.model.weight[i]!, discount: actual.model.discount[i]! };
    };
    // The cohort counts as one.
    expect(terms(`x:f0-${seed}`).discount).toBe(1 / size);
    expect(terms('x:f1-bot')).toEqual(terms(`x:f0-${seed}`));
    // Nobody else is in a cohort.
    for (const loner of ['x:f0-short', 'x:f0-answered', 'x:f0-few-days', 'x:f0-passer-by', 'x:f1-passer-by']) expect(terms(loner).discount).toBe(1);
    expect(terms('x:f0-two-authors').discount).toBe(Math.min(1, Math.sqrt(constants.engagerAuthorsBeforeDiscount / 2)));
    // Someone responds to the answered one: it has more authority than the cohort's members.
    expect(terms('x:f0-answered').weight).toBeGreaterThan(terms('x:f1-bot').weight);
  });

  it('ranks equal scores and log-scores by name', () => {
    // One engager answers four authors alike, and two more engage two of them alike.
    const rows: NamedRow[] = ['x:p3', 'x:p1', 'x:p4', 'x:p2'].flatMap((author) => [
      { author, engager: 'x:fan', day: TODAY - 1, counts: [1, 0, 0, 1, 0, 0] },
      ...(author < 'x:p3' ? [] : [{ author, engager: `x:other-${author}`, day: TODAY - 2, counts: [0, 0, 1, 0, 0, 0] }]),
    ]);
    const input = withRows({ accounts: [], edges: emptyEngagementColumns(0), posts: emptyPostColumns(0) }, rows);
    const { ranked } = scoreTopic(input, RANDOM_TOPIC_AS_OF);
    expect(ranked.map((entry) => entry.account)).toEqual(['x:p3', 'x:p4', 'x:p1', 'x:p2']);
    expect(ranked[0]!.logScore).toBe(ranked[1]!.logScore);
    expectSameScores(ranked, referencePass(input, RANDOM_TOPIC_AS_OF, scoringModel).ranked);
  });

  it('scores an empty topic as nothing, and a topic with one engagement as that one account at 100', () => {
    const empty = randomTopic(1);
    const none: TopicAggregates = { accounts: empty.accounts, edges: { ...empty.edges, length: 0 }, posts: { ...empty.posts, length: 0 } };
    const nothing = scoreTopic(none, RANDOM_TOPIC_AS_OF);
    expect(nothing.ranked).toEqual([]);
    expect(nothing.iterations).toBe(0);
    expect(nothing.model.calibration).toEqual({ logScores: [], scores: [] });
    expect(nothing.model.unknownEngager).toEqual(referencePass(none, RANDOM_TOPIC_AS_OF, scoringModel).model.unknownEngager);
    const one: TopicAggregates = {
      accounts: ['x:a', 'x:b'],
      edges: {
        length: 1,
        author: Uint32Array.of(0),
        engager: Uint32Array.of(1),
        day: Int32Array.of(TODAY),
        reply: Uint32Array.of(1),
        quote: new Uint32Array(1),
        share: new Uint32Array(1),
        like: new Uint32Array(1),
        mention: new Uint32Array(1),
        follow: new Uint32Array(1),
      },
      posts: { length: 0, author: new Uint32Array(0), day: new Int32Array(0), count: new Uint32Array(0) },
    };
    const single = scoreTopic(one, RANDOM_TOPIC_AS_OF);
    expect(single.ranked.map(({ account, score, rank }) => ({ account, score, rank }))).toEqual([{ account: 'x:a', score: 100, rank: 1 }]);
    expectSameScores(single.ranked, referencePass(one, RANDOM_TOPIC_AS_OF, scoringModel).ranked);
  });
});

describe('PageRank stops', () => {
  it('when the change per node is below the tolerance, or at the iteration cap, and says which', () => {
    // A chain into a cycle: ranks keep moving for a while.
    const graph = buildWeightedGraph(4, [0, 1, 2, 3], [1, 2, 3, 1], [1, 2, 1, 0.5]);
    const capped = pageRank(graph, { damping: 0.85, tolerance: 1e-12, maxIterations: 3 });
    expect({ iterations: capped.iterations, converged: capped.converged }).toEqual({ iterations: 3, converged: false });
    const converged = pageRank(graph, { damping: 0.85, tolerance: 1e-12, maxIterations: 500 });
    expect(converged.converged).toBe(true);
    expect(converged.iterations).toBeGreaterThan(3);
    expect(converged.iterations).toBeLessThan(500);
    expect(pageRank(buildWeightedGraph(0, [], [], []), { damping: 0.85, tolerance: 1e-12, maxIterations: 5 })).toEqual({
      rank: new Float64Array(0),
      iterations: 0,
      converged: true,
      spread: 1,
    });
  });
});

describe('incremental rescoring agrees with the formulas under the frozen terms of the last full pass', () => {
  /** New engagement on the scoring day between random accounts of the topic, and some from accounts the pass never saw. */
  const withNewRows = (input: TopicAggregates, seed: number): { input: TopicAggregates; authors: string[] } => {
    const random = seededRandom(seed);
    const anyone = () => input.accounts[Math.floor(random() * input.accounts.length)]!;
    const rows = Array.from({ length: 12 }, () => ({
      author: anyone(),
      engager: random() < 0.3 ? `x:new-${1 + Math.floor(random() * 2)}` : anyone(),
      day: TODAY,
      counts: ENGAGEMENT_COUNT_COLUMNS.map(() => Math.floor(random() * 3)),
    }));
    return { input: withRows(input, rows), authors: [...new Set(rows.flatMap((row) => [row.author, row.engager]))].sort() };
  };

  it.each(SEEDS.slice(0, 4))('random topic %i: the touched authors, from the rows touching them', (seed) => {
    const before = randomTopic(seed + 300);
    const pass = scoreTopic(before, RANDOM_TOPIC_AS_OF);
    const { input: after, authors } = withNewRows(before, seed);
    // Asked in any order, with repeats and an account the topic does not hold.
    const asked = [...authors].reverse().concat(authors[0]!, 'x:absent');
    const rescored = rescoreAuthors(pass.model, aggregatesTouching(after, authors), asked, RANDOM_TOPIC_AS_OF);

    const frozen = new Map(pass.model.accounts.map((account, i) => [account, { weight: pass.model.weight[i]!, discount: pass.model.discount[i]! }]));
    const window = windowOf(after, RANDOM_TOPIC_AS_OF, scoringModel);
    const termsOf = (account: number) => frozen.get(after.accounts[account]!) ?? pass.model.unknownEngager;
    const expected = authorScores(after, window, termsOf, pass.model.calibration, scoringModel).filter((entry) => authors.includes(entry.account));
    expectSameScores(rescored.scores, expected);
    expect(rescored.unscored).toEqual([...authors, 'x:absent'].sort().filter((author) => !expected.some((entry) => entry.account === author)));
  });
});
