import Graph from 'graphology';
import pagerank from 'graphology-metrics/centrality/pagerank';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../lib/dev/evaluation/seeded-random';
import { buildWeightedGraph, pageRank } from '../../../lib/domain/scoring/weighted-graph';

const randomGraph = (seed: number, nodes: number, edges: number, danglingShare: number) => {
  const random = seededRandom(seed);
  const sources: number[] = [];
  const targets: number[] = [];
  const weights: number[] = [];
  const dangling = Math.floor(nodes * danglingShare);
  for (let k = 0; k < edges; k++) {
    const source = dangling + Math.floor(random() * (nodes - dangling));
    let target = Math.floor(random() * nodes);
    if (target === source) target = (target + 1) % nodes;
    // graphology keeps one edge per ordered pair: keep the inputs comparable.
    if (sources.some((s, i) => s === source && targets[i] === target)) continue;
    sources.push(source);
    targets.push(target);
    weights.push(0.5 + random() * 3);
  }
  return { nodes, sources, targets, weights };
};

const graphologyRanks = ({ nodes, sources, targets, weights }: ReturnType<typeof randomGraph>, weighted: boolean) => {
  const graph = new Graph({ type: 'directed', multi: false });
  for (let i = 0; i < nodes; i++) graph.addNode(String(i));
  sources.forEach((source, k) => {
    const key = `${source}->${targets[k]}`;
    if (graph.hasEdge(key)) graph.updateEdgeAttribute(key, 'weight', (w: number) => w + weights[k]!);
    else graph.addEdgeWithKey(key, String(source), String(targets[k]), { weight: weights[k] });
  });
  const ranks = pagerank(graph, { alpha: 0.85, tolerance: 1e-13, maxIterations: 1000, getEdgeWeight: weighted ? 'weight' : null });
  return Array.from({ length: nodes }, (_, i) => ranks[String(i)]!);
};

describe('the PageRank kernel, configured as plain PageRank', () => {
  for (const [seed, nodes, edges, dangling] of [
    [1, 50, 200, 0.2],
    [2, 500, 3000, 0.1],
    [3, 2000, 6000, 0.4],
  ] as const) {
    it(`agrees with graphology-metrics to 1e-9 (seed ${seed}, ${nodes} nodes, ${Math.round(dangling * 100)}% dangling)`, () => {
      const input = randomGraph(seed, nodes, edges, dangling);
      for (const weighted of [true, false]) {
        const graph = buildWeightedGraph(nodes, input.sources, input.targets, weighted ? input.weights : input.weights.map(() => 1));
        const ours = pageRank(graph, { damping: 0.85, tolerance: 1e-13, maxIterations: 1000 });
        expect(ours.converged).toBe(true);
        const theirs = graphologyRanks(input, weighted);
        const worst = Math.max(...theirs.map((value, i) => Math.abs(value - ours.rank[i]!)));
        expect(worst).toBeLessThan(1e-9);
      }
    });
  }

  it('sums to 1, lands jumps on the prior, and is the same for any edge order', () => {
    const input = randomGraph(4, 300, 1500, 0.2);
    const prior = new Float64Array(300);
    prior[0] = 0.5;
    prior[1] = 0.5;
    const forward = pageRank(buildWeightedGraph(300, input.sources, input.targets, input.weights), {
      damping: 0.85,
      prior,
      tolerance: 1e-12,
      maxIterations: 500,
    });
    const order = input.sources.map((_, k) => k).reverse();
    const reversed = pageRank(
      buildWeightedGraph(
        300,
        order.map((k) => input.sources[k]!),
        order.map((k) => input.targets[k]!),
        order.map((k) => input.weights[k]!),
      ),
      { damping: 0.85, prior, tolerance: 1e-12, maxIterations: 500 },
    );
    expect(reversed.rank).toEqual(forward.rank);
    expect(forward.rank.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 12);
    expect(forward.rank[0]).toBeGreaterThan(forward.rank[2]!);
  });

  it('merges parallel edges by adding their weights', () => {
    const graph = buildWeightedGraph(3, [0, 0, 1, 0], [1, 1, 2, 2], [1, 2, 5, 1]);
    expect(Array.from(graph.inOffsets)).toEqual([0, 0, 1, 3]);
    expect(Array.from(graph.inSources)).toEqual([0, 0, 1]);
    expect(Array.from(graph.inWeights)).toEqual([3, 1, 5]);
    expect(Array.from(graph.outWeight)).toEqual([4, 5, 0]);
  });
});
