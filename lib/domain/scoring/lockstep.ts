import type { TopicAggregates } from './engagement';
import type { ScoringModel } from './model';
import type { EngagerRows } from './topic-pairs';

/**
 * Lockstep: engagers with the same set of (author, day) targets, at least `lockstepMinTargets` of
 * them, in a group of at least `lockstepGroupSize`, count as one — each gets the factor 1 / group
 * size (1 for everyone else). An engager's rows are ordered by (author, day), so equal sets are
 * equal runs of distinct targets: engagers are ordered by a hash of their run (a radix sort), and
 * only runs of equal hashes long enough to hold a group are compared target by target.
 */
export const lockstepFactors = (
  { edges: { day } }: TopicAggregates,
  accountCount: number,
  { order: rowOrder, author: rowAuthor, start: rowStart }: EngagerRows,
  constants: ScoringModel,
): Float64Array => {
  // Positions j in the engager-ordered rows.
  const sameTarget = (i: number, j: number) => rowAuthor[i] === rowAuthor[j] && day[rowOrder[i]!] === day[rowOrder[j]!];
  const factor = new Float64Array(accountCount).fill(1);

  const candidates: number[] = [];
  const hashes: number[] = [];
  for (let e = 0; e < accountCount; e++) {
    const first = rowStart[e]!;
    const end = rowStart[e + 1]!;
    if (end - first < constants.lockstepMinTargets) continue;
    let targets = 0;
    let hash = 0;
    for (let j = first; j < end; j++) {
      // Rows repeating a target (partial counts of the same day) are one target.
      if (j > first && sameTarget(j - 1, j)) continue;
      targets++;
      hash = Math.imul(hash ^ rowAuthor[j]!, 0x9e3779b1);
      hash = Math.imul(hash ^ day[rowOrder[j]!]!, 0x85ebca6b);
    }
    if (targets < constants.lockstepMinTargets) continue;
    candidates.push(e);
    hashes.push((hash ^ targets) >>> 0);
  }

  // Candidates ordered by hash: two stable 16-bit counting passes.
  let order = Uint32Array.from(candidates.keys());
  for (const shift of [0, 16]) {
    const start = new Uint32Array(0x10001);
    for (const c of order) start[((hashes[c]! >>> shift) & 0xffff) + 1]!++;
    for (let b = 0; b < 0x10000; b++) start[b + 1]! += start[b]!;
    const next = new Uint32Array(order.length);
    for (const c of order) next[start[(hashes[c]! >>> shift) & 0xffff]!++] = c;
    order = next;
  }

  const sameTargets = (a: number, b: number): boolean => {
    let i = rowStart[a]!;
    let j = rowStart[b]!;
    const aEnd = rowStart[a + 1]!;
    const bEnd = rowStart[b + 1]!;
    for (;;) {
      while (i + 1 < aEnd && sameTarget(i, i + 1)) i++;
      while (j + 1 < bEnd && sameTarget(j, j + 1)) j++;
      if (i === aEnd || j === bEnd) return i === aEnd && j === bEnd;
      if (!sameTarget(i, j)) return false;
      i++;
      j++;
    }
  };
  for (let from = 0; from < order.length; ) {
    let to = from + 1;
    while (to < order.length && hashes[order[to]!] === hashes[order[from]!]) to++;
    if (to - from >= constants.lockstepGroupSize) {
      const groups: number[][] = [];
      for (let j = from; j < to; j++) {
        const engager = candidates[order[j]!]!;
        const group = groups.find((members) => sameTargets(members[0]!, engager));
        if (group) group.push(engager);
        else groups.push([engager]);
      }
      for (const group of groups) if (group.length >= constants.lockstepGroupSize) for (const engager of group) factor[engager] = 1 / group.length;
    }
    from = to;
  }
  return factor;
};
