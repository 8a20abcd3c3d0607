/**
 * `tsx infra/build-function.ts <name> <outputDir> [duckdb package…]`: builds one function's bundle
 * (infra/constructs/function-build.ts). SwayFunction runs it at synth, as the web stack runs
 * web/build.ts: CDK's local bundling is synchronous, esbuild's plugins are not.
 */
import { buildFunction } from './constructs/function-build';

const [name, outputDir, ...duckdbPackages] = process.argv.slice(2);
if (!name || !outputDir) {
  console.error('usage: tsx infra/build-function.ts <name> <outputDir> [duckdb package…]');
  process.exit(2);
}
buildFunction(name, outputDir, duckdbPackages).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
