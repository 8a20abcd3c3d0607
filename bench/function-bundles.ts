/**
 * What each Lambda function bundles: every function of the catalogue built as the stacks build it
 * (infra/constructs/function-build.ts: esbuild, minified, ESM, the DuckDB binding left out), weighed
 * without its source map. No ceiling: the goals (bench/goals.ts) are budgets, as for the pages.
 */
import { build } from 'esbuild';
import { functionBuildOptions } from '../infra/constructs/function-build';
import { webhookFunctionNames } from '../lib/domain/networks/webhook-networks';
import { functionCatalogue } from '../lib/wiring/functions';
import { round, type BenchmarkResult } from './result';

const kilobytes = (bytes: number): number => round(bytes / 1024, 1);

/** The minified bundle of a function, in bytes. */
const bundleBytes = async (name: string): Promise<number> => {
  // Every function with DuckDB's binding left out: it is copied beside the bundle, not into it.
  const result = await build({ ...functionBuildOptions(name, { duckdb: true }), outfile: 'index.mjs', write: false, logLevel: 'silent' });
  return result.outputFiles.reduce((sum, file) => sum + file.contents.byteLength, 0);
};

export const benchFunctionBundles = async (): Promise<BenchmarkResult[]> => {
  const names = [...functionCatalogue().keys()].sort();
  const sizes = new Map<string, number>();
  for (const name of names) sizes.set(name, await bundleBytes(name));
  const webhooks = webhookFunctionNames().map((name) => [name, sizes.get(name)!] as const);
  const [largestWebhook, largestWebhookBytes] = webhooks.reduce((largest, entry) => (entry[1] > largest[1] ? entry : largest));
  const listed = (entries: readonly (readonly [string, number])[]) => entries.map(([name, bytes]) => `${name} ${kilobytes(bytes)} KB`).join(', ');
  const others = [...sizes].filter(([name]) => name !== 'healthz' && !name.startsWith('webhook-'));
  return [
    {
      name: 'functions.bundle_healthz',
      value: kilobytes(sizes.get('healthz')!),
      unit: 'KB',
      notes: 'functions/healthz.ts as deployed: esbuild, minified, ESM',
    },
    {
      name: 'functions.bundle_webhook',
      value: kilobytes(largestWebhookBytes),
      unit: 'KB',
      notes: `the largest webhook function (${largestWebhook}); each: ${listed(webhooks)}`,
    },
    {
      name: 'functions.bundle_largest',
      value: kilobytes(Math.max(...others.map(([, bytes]) => bytes))),
      unit: 'KB',
      notes: `the largest of the other functions (the DuckDB binding left out, as deployed): ${listed(others)}`,
    },
  ];
};
