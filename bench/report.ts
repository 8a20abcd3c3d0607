/**
 * `npx tsx bench/report.ts [--update docs/BENCHMARKS.md] [--results FILE]`: the table of a bench
 * run (bench/results/latest.json by default) as markdown, printed, or written into the document
 * between its `bench-table` markers so the figures there are always those of one run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { verdict } from './goals';
import type { BenchmarkResult } from './result';

export interface BenchRun {
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; quick: boolean; [other: string]: unknown };
  benchmarks: BenchmarkResult[];
}

export const TABLE_START = '<!-- bench-table:start -->';
export const TABLE_END = '<!-- bench-table:end -->';

const cell = (value: string | number | undefined) => (value === undefined ? '—' : String(value).replaceAll('|', '\\|'));

export const renderTable = (run: BenchRun): string => {
  const { machine } = run;
  const lines = [
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}; \`npm run bench${machine.quick ? ' -- --quick' : ''}\`.`,
    '',
    '| benchmark | value | unit | ceiling | ratio | goal | met |',
    '|---|---:|---|---:|---:|---|---|',
    ...run.benchmarks.map(
      (result) =>
        `| \`${result.name}\` | ${cell(result.value)} | ${cell(result.unit)} | ${cell(result.ceiling)} | ${cell(result.ratio)} | ${cell(result.goal)} | ${verdict(result)} |`,
    ),
    '',
    'What each row measured, as the run recorded it:',
    '',
    ...run.benchmarks.map((result) => `- \`${result.name}\`: ${result.notes}`),
  ];
  return lines.join('\n');
};

/** The document with the text between its markers replaced. */
export const replaceBetweenMarkers = (document: string, content: string): string => {
  const start = document.indexOf(TABLE_START);
  const end = document.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`the document has no ${TABLE_START} … ${TABLE_END} section`);
  return `${document.slice(0, start + TABLE_START.length)}\n${content}\n${document.slice(end)}`;
};

const main = () => {
  const { values } = parseArgs({ options: { update: { type: 'string' }, results: { type: 'string' } } });
  const run = JSON.parse(readFileSync(resolve(values.results ?? resolve(__dirname, 'results', 'latest.json')), 'utf8')) as BenchRun;
  const table = renderTable(run);
  if (!values.update) {
    console.log(table);
    return;
  }
  const file = resolve(values.update);
  writeFileSync(file, replaceBetweenMarkers(readFileSync(file, 'utf8'), table));
  console.log(`updated ${values.update}`);
};

if (require.main === module) main();
