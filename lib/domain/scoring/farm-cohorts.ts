import type { TopicAggregates } from './engagement';
import type { ScoringModel } from './model';
import type { EngagerRows, TopicPairs } from './topic-pairs';

/**
 * Farm cohorts: engagers that nobody in the topic responds to, that engaged exactly one author,
 * the same one, on at least `farmEngagerMinDays` distinct days — dedicated accounts that come back
 * to push one beneficiary — count as one when there are at least `farmCohortSize` of them: each
 * gets the factor 1 / cohort size (1 for everyone else). A passer-by who engaged once is not in a
 * cohort, however many others did the same: an audience of strangers still counts.
 */
export const farmCohortFactors = (
  { edges: { day } }: TopicAggregates,
  pairs: TopicPairs,
  rows: EngagerRows,
  respondedTo: Uint8Array,
  constants: ScoringModel,
): Float64Array => {
  const n = pairs.accountCount;
  const factor = new Float64Array(n).fill(1);
  // Per engager, its one author if it is a dedicated engager of one beneficiary, else −1.
  const beneficiary = new Int32Array(n).fill(-1);
  const cohortSize = new Uint32Array(n);
  for (let e = 0; e < n; e++) {
    const pair = pairs.engagerStart[e]!;
    if (respondedTo[e] || pairs.engagerStart[e + 1]! - pair !== 1 || !(pairs.engagement[pair]! > 0)) continue;
    // The engager's rows are its one pair's, ordered by day.
    let days = 0;
    for (let j = rows.start[e]!, previous = NaN; j < rows.start[e + 1]!; j++) {
      const rowDay = day[rows.order[j]!]!;
      if (rowDay !== previous) days++;
      previous = rowDay;
    }
    if (days < constants.farmEngagerMinDays) continue;
    beneficiary[e] = pairs.author[pair]!;
    cohortSize[pairs.author[pair]!]!++;
  }
  for (let e = 0; e < n; e++) {
    const author = beneficiary[e]!;
    if (author >= 0 && cohortSize[author]! >= constants.farmCohortSize) factor[e] = 1 / cohortSize[author]!;
  }
  return factor;
};
