import { groupByKey } from './counting-sort';

/**
 * A directed, weighted graph indexed by target (compressed sparse rows): node ids are 0..n-1, the
 * in-edges of node v come from `inSources[inOffsets[v]..inOffsets[v+1])`, in ascending order, with
 * `inWeights` alongside. PageRank pulls along in-edges, so that is the only index it needs; typed
 * arrays keep it compact (12 bytes per edge) and the kernel cache-friendly.
 */
export interface WeightedGraph {
  nodeCount: number;
  /** Sum of each node's out-edge weights. */
  outWeight: Float64Array;
  inOffsets: Uint32Array;
  inSources: Uint32Array;
  inWeights: Float64Array;
}

/** Exclusive prefix sums of `counts` (length n + 1), in place, returned for chaining. */
const prefixSums = (counts: Uint32Array): Uint32Array => {
  for (let i = 0; i + 1 < counts.length; i++) counts[i + 1]! += counts[i]!;
  return counts;
};

/**
 * Builds the graph from parallel arrays of edges; parallel edges are merged by adding their
 * weights, and the result depends only on the set of edges, not on their order.
 */
export const buildWeightedGraph = (nodeCount: number, sources: ArrayLike<number>, targets: ArrayLike<number>, weights: ArrayLike<number>): WeightedGraph => {
  const edgeCount = sources.length;
  // Two stable counting sorts, by source and then by target, leave each target's in-edges ordered
  // by source: linear in the edges, and independent of the input order. Edges already ordered by
  // source (as scoring passes them) skip the first.
  let bySource = true;
  for (let i = 1; i < edgeCount && bySource; i++) bySource = sources[i - 1]! <= sources[i]!;
  const sourceOrder = bySource ? undefined : groupByKey(edgeCount, nodeCount, (i) => sources[i]!).order;

  const inOffsets = new Uint32Array(nodeCount + 1);
  for (let i = 0; i < edgeCount; i++) inOffsets[targets[i]! + 1]!++;
  const targetFill = prefixSums(inOffsets).slice(0, nodeCount);
  let inSources = new Uint32Array(edgeCount);
  let inWeights = new Float64Array(edgeCount);
  for (let j = 0; j < edgeCount; j++) {
    const i = sourceOrder ? sourceOrder[j]! : j;
    const at = targetFill[targets[i]!]!++;
    inSources[at] = sources[i]!;
    inWeights[at] = weights[i]!;
  }

  // Parallel edges are adjacent now: order each run by weight, so the sum is the same for any input
  // order, and merge it.
  let merged = 0;
  for (let v = 0; v < nodeCount; v++) {
    const start = inOffsets[v]!;
    const end = inOffsets[v + 1]!;
    inOffsets[v] = merged;
    for (let j = start; j < end; ) {
      const source = inSources[j]!;
      let runEnd = j + 1;
      while (runEnd < end && inSources[runEnd] === source) runEnd++;
      if (runEnd - j > 1) inWeights.subarray(j, runEnd).sort();
      let weight = 0;
      for (let k = j; k < runEnd; k++) weight += inWeights[k]!;
      inSources[merged] = source;
      inWeights[merged] = weight;
      merged++;
      j = runEnd;
    }
  }
  inOffsets[nodeCount] = merged;
  if (merged < edgeCount) {
    inSources = inSources.slice(0, merged);
    inWeights = inWeights.slice(0, merged);
  }
  const outWeight = new Float64Array(nodeCount);
  for (let j = 0; j < merged; j++) outWeight[inSources[j]!]! += inWeights[j]!;
  return { nodeCount, outWeight, inOffsets, inSources, inWeights };
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
  /**
   * The mass that jumped in the last iteration: a node nobody links to has rank `spread × prior`,
   * so this also prices a node the graph does not hold yet.
   */
  spread: number;
}

/**
 * Weighted PageRank with a personalised jump (the trust prior): power iteration from the prior,
 * in a fixed order, so the same graph gives the same ranks bit for bit.
 *
 * A node nobody links to ("static") holds `spread × prior` after every iteration, where `spread`
 * is the mass that jumps. So its pull on each target is one precomputed coefficient times the
 * previous spread, and the iterations only visit nodes with in-edges and the edges between them.
 * In engagement graphs most accounts only engage, so this is most of the work saved.
 */
export const pageRank = (graph: WeightedGraph, { damping, prior, tolerance, maxIterations }: PageRankOptions): PageRankResult => {
  const n = graph.nodeCount;
  if (n === 0) return { rank: new Float64Array(0), iterations: 0, converged: true, spread: 1 };
  const { outWeight, inOffsets, inSources, inWeights } = graph;
  const jump = prior ?? new Float64Array(n).fill(1 / n);
  // What a node passes along per unit of its rank and edge weight; 0 for nodes without out-edges,
  // whose rank jumps instead.
  const passOn = new Float64Array(n);
  for (let u = 0; u < n; u++) if (outWeight[u]! > 0) passOn[u] = damping / outWeight[u]!;

  // Active nodes (with in-edges) get compact indices, so the iteration works on small arrays.
  const activeIndex = new Int32Array(n).fill(-1);
  let activeCount = 0;
  let staticJump = 0;
  let staticDanglingJump = 0;
  for (let v = 0; v < n; v++) {
    if (inOffsets[v + 1]! > inOffsets[v]!) activeIndex[v] = activeCount++;
    else {
      staticJump += jump[v]!;
      if (outWeight[v] === 0) staticDanglingJump += jump[v]!;
    }
  }
  const activeNode = new Uint32Array(activeCount);
  const activeJump = new Float64Array(activeCount);
  const activePassOn = new Float64Array(activeCount);
  const activeDangling = new Float64Array(activeCount);
  // Per active node: the pull of static sources per unit of spread, and its in-edges from active sources.
  const staticPull = new Float64Array(activeCount);
  const edgeOffsets = new Uint32Array(activeCount + 1);
  let activeEdges = 0;
  for (let v = 0; v < n; v++) {
    const a = activeIndex[v]!;
    if (a < 0) continue;
    activeNode[a] = v;
    activeJump[a] = jump[v]!;
    activePassOn[a] = passOn[v]!;
    activeDangling[a] = outWeight[v] === 0 ? 1 : 0;
    for (let j = inOffsets[v]!, end = inOffsets[v + 1]!; j < end; j++) {
      const source = inSources[j]!;
      if (activeIndex[source]! >= 0) activeEdges++;
      else staticPull[a]! += jump[source]! * passOn[source]! * inWeights[j]!;
    }
    edgeOffsets[a + 1] = activeEdges;
  }
  const edgeSources = new Uint32Array(activeEdges);
  const edgeWeights = new Float64Array(activeEdges);
  for (let a = 0, k = 0; a < activeCount; a++) {
    const v = activeNode[a]!;
    for (let j = inOffsets[v]!, end = inOffsets[v + 1]!; j < end; j++) {
      const source = activeIndex[inSources[j]!]!;
      if (source < 0) continue;
      edgeSources[k] = source;
      edgeWeights[k++] = inWeights[j]!;
    }
  }

  // Start from the prior: static nodes hold `staticFactor × prior`.
  let rank = Float64Array.from(activeJump);
  let next = new Float64Array(activeCount);
  let share = new Float64Array(activeCount);
  let nextShare = new Float64Array(activeCount);
  let staticFactor = 1;
  let dangling = staticDanglingJump;
  for (let a = 0; a < activeCount; a++) {
    share[a] = rank[a]! * activePassOn[a]!;
    dangling += rank[a]! * activeDangling[a]!;
  }
  const finish = (iterations: number, converged: boolean): PageRankResult => {
    const full = new Float64Array(n);
    for (let v = 0; v < n; v++) full[v] = staticFactor * jump[v]!;
    for (let a = 0; a < activeCount; a++) full[activeNode[a]!] = rank[a]!;
    return { rank: full, iterations, converged, spread: staticFactor };
  };
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const spread = damping * dangling + (1 - damping);
    let change = Math.abs(spread - staticFactor) * staticJump;
    let nextDangling = spread * staticDanglingJump;
    for (let a = 0; a < activeCount; a++) {
      let value = spread * activeJump[a]! + staticFactor * staticPull[a]!;
      for (let k = edgeOffsets[a]!, end = edgeOffsets[a + 1]!; k < end; k++) value += share[edgeSources[k]!]! * edgeWeights[k]!;
      change += Math.abs(value - rank[a]!);
      next[a] = value;
      nextShare[a] = value * activePassOn[a]!;
      nextDangling += value * activeDangling[a]!;
    }
    [rank, next] = [next, rank];
    [share, nextShare] = [nextShare, share];
    staticFactor = spread;
    dangling = nextDangling;
    if (change < n * tolerance) return finish(iteration, true);
  }
  return finish(maxIterations, false);
};
