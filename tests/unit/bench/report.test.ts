import { describe, expect, it } from 'vitest';
import { withGoal } from '../../../bench/goals';
import { renderTable, replaceBetweenMarkers, TABLE_END, TABLE_START, type BenchRun } from '../../../bench/report';

const run: BenchRun = {
  machine: { cpus: 2, cpuModel: 'AMD EPYC', memoryGiB: 23.5, node: 'v20.20.2', quick: true },
  benchmarks: [
    withGoal({ name: 'lookup.throughput', value: 900, unit: 'requests/s', ceiling: 1000, ratio: 0.9, notes: 'fast | enough' }),
    withGoal({ name: 'leaderboard.latency', value: 40, unit: 'ms', ceiling: 15, ratio: 0.375, notes: 'p50 10 ms' }),
    withGoal({ name: 'webhook.latency.slack', value: 20, unit: 'ms', ceiling: 10, ratio: 0.5, notes: 'slack' }),
    withGoal({ name: 'cost.per_million_lookups', value: 1.27, unit: '$/million lookups', notes: 'no goal' }),
  ],
};

describe('the benchmark table', () => {
  it('judges each result against its goal', () => {
    expect(run.benchmarks.map(({ goal, met }) => ({ goal, met }))).toEqual([
      { goal: 'ratio ≥ 0.6', met: true },
      { goal: 'ratio ≥ 0.5', met: false },
      { goal: 'ratio ≥ 0.33', met: true },
      { goal: undefined, met: undefined },
    ]);
  });

  it('renders the machine, one row per benchmark with its verdict, and the notes', () => {
    const table = renderTable(run);
    expect(table).toContain('2 × AMD EPYC, 23.5 GiB, Node v20.20.2; `npm run bench -- --quick`');
    expect(table).toContain('| `lookup.throughput` | 900 | requests/s | 1000 | 0.9 | ratio ≥ 0.6 | yes |');
    expect(table).toContain('| `leaderboard.latency` | 40 | ms | 15 | 0.375 | ratio ≥ 0.5 | no |');
    expect(table).toContain('| `cost.per_million_lookups` | 1.27 | $/million lookups | — | — | — | — |');
    expect(table).toContain('- `lookup.throughput`: fast | enough');
  });

  it('replaces only what is between the markers', () => {
    const document = `# Title\n\n${TABLE_START}\nold table\n${TABLE_END}\n\nprose\n`;
    expect(replaceBetweenMarkers(document, 'new table')).toBe(`# Title\n\n${TABLE_START}\nnew table\n${TABLE_END}\n\nprose\n`);
    expect(() => replaceBetweenMarkers('# no markers', 'x')).toThrow(/bench-table/);
  });
});
