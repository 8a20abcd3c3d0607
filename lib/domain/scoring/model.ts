/**
 * Every weight and constant of the scoring model, in one place; docs/SCORING.md explains each.
 */
import type { EngagementType } from '../interactions/schema';

export const scoringModel = {
  windowDays: 90,
  halfLifeDays: 30,
  /** Weight of one engagement by type: a reply or quote says more than a share, a share more than a like. */
  engagementWeights: { reply: 3, quote: 3, share: 2, like: 1, mention: 0.75 } satisfies Record<Exclude<EngagementType, 'follow'>, number>,
  /** Follows are a separate, weaker signal, added after the engagement's diminishing returns. */
  followWeight: 0.5,
  /** Decayed weight from one engager to one author counts up to this much: the tenth like adds nothing. */
  pairWeightCap: 3,
  /**
   * An engager nobody in the topic responds to, spreading reactions over more authors than this,
   * counts less per reaction: √(this / authors). One that others respond to is measured by its authority instead.
   */
  engagerAuthorsBeforeDiscount: 10,
  /** Engagers with identical sets of (author, day) of at least this size, in groups of at least lockstepGroupSize, act in lockstep. */
  lockstepMinTargets: 4,
  lockstepGroupSize: 5,
  /** Engagers nobody responds to that engaged only one author, on at least this many days, in cohorts of at least farmCohortSize on the same author, count as one. */
  farmEngagerMinDays: 2,
  farmCohortSize: 5,
  /** An author that returns engagement to at least this many of its engagers, and to more than half of them, is a ring member. */
  ringMinPartners: 4,
  /** An author with more than this share of its response from flagged engagers (ring, lockstep, farm) is flagged as boosted by them. */
  flaggedResponseShare: 0.5,
  /** PageRank: probability of following an edge, tolerance (L1 change per node) and iteration cap. */
  damping: 0.85,
  tolerance: 1e-10,
  maxIterations: 100,
  /** Trust prior: each account's jump weight is this plus the breadth of its non-reciprocal engagers. */
  priorFloor: 0.05,
  /** The share of its weight that returned engagement carries into authority and the trust prior: none, so a ring earns no standing. */
  returnedAuthorityShare: 0,
  /** An engager's weight, once others respond to it: this floor plus its authority (PageRank × accounts: 1 on average), capped. */
  engagerWeightFloor: 0.01,
  authorityCap: 25,
  /**
   * Response is measured in units of this much before taking its logarithm, so that typical
   * accounts sit where the logarithm is compressive and one more engagement moves little.
   */
  responseUnit: 0.01,
  /** How the log-score combines the factors. */
  factorWeights: { response: 0.6, breadth: 0.25, efficiency: 0.15 },
} as const;

export type ScoringModel = typeof scoringModel;

export const FACTORS = {
  base: { label: 'Base', description: 'Every scored account starts at 1.' },
  response: {
    label: 'Response',
    description:
      "Decayed replies, quotes, shares, likes and mentions from others, each engager's weight capped and multiplied by that engager's authority in the topic.",
  },
  breadth: { label: 'Breadth', description: 'How many distinct engagers responded, discounting rings, lockstep groups and accounts that react to everything.' },
  efficiency: { label: 'Response per post', description: 'Response divided by the number of posts: posting more without more response lowers it.' },
} as const;

/**
 * A factor as readers see it: its label and description from FACTORS. They are not stored with each
 * explanation (about half a kilobyte an item, a write unit for most of them).
 */
export const describedFactor = ({ name, value, contribution }: { name: string; value: number; contribution: number }) => {
  const known = (FACTORS as Record<string, { label: string; description: string }>)[name];
  return { name, label: known?.label ?? name, description: known?.description ?? '', value, contribution };
};

/**
 * Why an account is flagged by the anti-gaming signals, as bits: it stays scored (its damped score
 * explains itself) but campaign search never lists it.
 */
export const FLAGS = {
  ring: { bit: 1, description: 'Returns engagement to most of the accounts that engage with it: a reciprocal ring.' },
  lockstep: { bit: 2, description: 'Engages the same authors on the same days as a group of other accounts: lockstep.' },
  farm: { bit: 4, description: 'A dedicated account of a farm: one of many that engage only one author, on several days, and earn no response.' },
  boosted: { bit: 8, description: 'More than half of its response comes from flagged accounts (rings, lockstep groups, farms).' },
} as const;
export type FlagName = keyof typeof FLAGS;

export const flagNames = (bits: number): FlagName[] => (Object.keys(FLAGS) as FlagName[]).filter((name) => (bits & FLAGS[name].bit) !== 0);

/** Flags as readers see them: each name with why it applies. */
export const describedFlags = (bits: number) => flagNames(bits).map((name) => ({ name, description: FLAGS[name].description }));
