/**
 * A directed, weighted graph in compressed sparse rows: node ids are 0..n-1, the out-edges of
 * node u are `targets[offsets[u]..offsets[u+1])` with `weights` alongside, and the same edges are
 * indexed by target too (`inOffsets`, `inSources`, `inWeights`) so PageRank can pull instead of
 * scattering writes. Typed arrays keep it compact (24 bytes per edge) and the kernel cache-friendly.
 */
export interface WeightedGraph {
  nodeCount: number;
  offsets: Uint32Array;
  targets: Uint32Array;
  weights: Float64Array;
  /** Sum of each node's out-edge weights. */
  outWeight: Float64Array;
  inOffsets: Uint32Array;
  inSources: Uint32Array;
  inWeights: Float64Array;
}

/**
 * Builds the graph from parallel arrays of edges; parallel edges are merged by adding their
 * weights, and the result depends only on the set of edges, not on their order.
 */
export const buildWeightedGraph = (nodeCount: number, sources: ArrayLike<number>, targets: ArrayLike<number>, weights: ArrayLike<number>): WeightedGraph => {
  const edgeCount = sources.length;
  // Counting sort by source, then each row by target: linear in the edges, and order-independent.
  const rowStart = new Uint32Array(nodeCount + 1);
  for (let i = 0; i < edgeCount; i++) rowStart[sources[i]! + 1]!++;
  for (let u = 0; u < nodeCount; u++) rowStart[u + 1]! += rowStart[u]!;
  const fill = rowStart.slice(0, nodeCount);
  const rowTargets = new Uint32Array(edgeCount);
  const rowWeights = new Float64Array(edgeCount);
  for (let i = 0; i < edgeCount; i++) {
    const at = fill[sources[i]!]!++;
    rowTargets[at] = targets[i]!;
    rowWeights[at] = weights[i]!;
  }

  const offsets = new Uint32Array(nodeCount + 1);
  const mergedTargets = new Uint32Array(edgeCount);
  const mergedWeights = new Float64Array(edgeCount);
  const outWeight = new Float64Array(nodeCount);
  let merged = 0;
  for (let u = 0; u < nodeCount; u++) {
    const start = rowStart[u]!;
    const end = rowStart[u + 1]!;
    // Rows are short: insertion sort in place, by target then weight, so parallel edges add up
    // in the same order whatever the input order.
    for (let j = start + 1; j < end; j++) {
      const target = rowTargets[j]!;
      const weight = rowWeights[j]!;
      let i = j - 1;
      while (i >= start && (rowTargets[i]! > target || (rowTargets[i] === target && rowWeights[i]! > weight))) {
        rowTargets[i + 1] = rowTargets[i]!;
        rowWeights[i + 1] = rowWeights[i]!;
        i--;
      }
      rowTargets[i + 1] = target;
      rowWeights[i + 1] = weight;
    }
    let previousTarget = -1;
    for (let j = start; j < end; j++) {
      const target = rowTargets[j]!;
      if (target === previousTarget) {
        mergedWeights[merged - 1]! += rowWeights[j]!;
      } else {
        mergedTargets[merged] = target;
        mergedWeights[merged] = rowWeights[j]!;
        merged++;
        previousTarget = target;
      }
      outWeight[u]! += rowWeights[j]!;
    }
    offsets[u + 1] = merged;
  }
  const finalTargets = mergedTargets.slice(0, merged);
  const finalWeights = mergedWeights.slice(0, merged);
  // The in-edge index: counting sort by target; sources stay in ascending order within each row.
  const inOffsets = new Uint32Array(nodeCount + 1);
  for (let j = 0; j < merged; j++) inOffsets[finalTargets[j]! + 1]!++;
  for (let v = 0; v < nodeCount; v++) inOffsets[v + 1]! += inOffsets[v]!;
  const inFill = inOffsets.slice(0, nodeCount);
  const inSources = new Uint32Array(merged);
  const inWeights = new Float64Array(merged);
  for (let u = 0; u < nodeCount; u++) {
    for (let j = offsets[u]!, end = offsets[u + 1]!; j < end; j++) {
      const at = inFill[finalTargets[j]!]!++;
      inSources[at] = u;
      inWeights[at] = finalWeights[j]!;
    }
  }
  return { nodeCount, offsets, targets: finalTargets, weights: finalWeights, outWeight, inOffsets, inSources, inWeights };
};

export interface PageRankOptions {
  /** Probability of following an edge rather than jumping (Tweepcred jumps with 0.1–0.15). */
  damping: number;
  /** Where a jump lands, and where the mass of nodes without out-edges goes; sums to 1. Uniform when omitted. */
  prior?: Float64Array;
  /** Stop when the L1 change of an iteration is below `nodeCount × tolerance`. */
  tolerance: number;
  maxIterations: number;
}

export interface PageRankResult {
  rank: Float64Array;
  iterations: number;
  converged: boolean;
}

/**
 * Weighted PageRank with a personalised jump (the trust prior): power iteration in a fixed order,
 * so the same graph gives the same ranks bit for bit.
 */
export const pageRank = (graph: WeightedGraph, { damping, prior, tolerance, maxIterations }: PageRankOptions): PageRankResult => {
  const n = graph.nodeCount;
  if (n === 0) return { rank: new Float64Array(0), iterations: 0, converged: true };
  const { outWeight, inOffsets, inSources, inWeights } = graph;
  // What a node passes along per unit of its rank and edge weight; 0 for nodes without out-edges,
  // whose rank jumps instead (`jumps` marks them with 1).
  const passOn = new Float64Array(n);
  const jumps = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    if (outWeight[u] === 0) jumps[u] = 1;
    else passOn[u] = damping / outWeight[u]!;
  }
  let rank = new Float64Array(n).fill(1 / n);
  let next = new Float64Array(n);
  let share = new Float64Array(n);
  let nextShare = new Float64Array(n);
  let dangling = 0;
  for (let u = 0; u < n; u++) {
    share[u] = rank[u]! * passOn[u]!;
    dangling += rank[u]! * jumps[u]!;
  }
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const spread = damping * dangling + (1 - damping);
    const uniformJump = spread / n;
    let change = 0;
    let nextDangling = 0;
    // One pass pulls each node's rank along its in-edges and prepares the next iteration's shares.
    for (let v = 0; v < n; v++) {
      let value = prior ? spread * prior[v]! : uniformJump;
      for (let j = inOffsets[v]!, end = inOffsets[v + 1]!; j < end; j++) value += share[inSources[j]!]! * inWeights[j]!;
      change += Math.abs(value - rank[v]!);
      next[v] = value;
      nextShare[v] = value * passOn[v]!;
      nextDangling += value * jumps[v]!;
    }
    [rank, next] = [next, rank];
    [share, nextShare] = [nextShare, share];
    dangling = nextDangling;
    if (change < n * tolerance) return { rank, iterations: iteration, converged: true };
  }
  return { rank, iterations: maxIterations, converged: false };
};
