/**
 * A directed, weighted graph in compressed sparse rows: node ids are 0..n-1, the out-edges of
 * node u are `targets[offsets[u]..offsets[u+1])` with `weights` alongside. Built once per topic
 * and recompute; typed arrays keep it compact (12 bytes per edge) and the kernels cache-friendly.
 */
export interface WeightedGraph {
  nodeCount: number;
  offsets: Uint32Array;
  targets: Uint32Array;
  weights: Float64Array;
  /** Sum of each node's out-edge weights. */
  outWeight: Float64Array;
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
  const order: number[] = [];
  for (let u = 0; u < nodeCount; u++) {
    const start = rowStart[u]!;
    const end = rowStart[u + 1]!;
    order.length = 0;
    for (let j = start; j < end; j++) order.push(j);
    // Sorting by weight too makes the sums of parallel edges independent of input order.
    order.sort((a, b) => rowTargets[a]! - rowTargets[b]! || rowWeights[a]! - rowWeights[b]!);
    let previousTarget = -1;
    for (const j of order) {
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
  return { nodeCount, offsets, targets: mergedTargets.slice(0, merged), weights: mergedWeights.slice(0, merged), outWeight };
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
  const jump = prior ?? new Float64Array(n).fill(1 / n);
  const { offsets, targets, weights, outWeight } = graph;
  let rank = new Float64Array(n).fill(1 / n);
  let next = new Float64Array(n);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    let dangling = 0;
    for (let u = 0; u < n; u++) if (outWeight[u] === 0) dangling += rank[u]!;
    const spread = damping * dangling + (1 - damping);
    for (let v = 0; v < n; v++) next[v] = spread * jump[v]!;
    for (let u = 0; u < n; u++) {
      const total = outWeight[u]!;
      if (total === 0) continue;
      const share = (damping * rank[u]!) / total;
      for (let j = offsets[u]!, end = offsets[u + 1]!; j < end; j++) next[targets[j]!]! += share * weights[j]!;
    }
    let change = 0;
    for (let v = 0; v < n; v++) change += Math.abs(next[v]! - rank[v]!);
    [rank, next] = [next, rank];
    if (change < n * tolerance) return { rank, iterations: iteration, converged: true };
  }
  return { rank, iterations: maxIterations, converged: false };
};
