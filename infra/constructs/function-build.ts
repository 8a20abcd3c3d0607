/**
 * How each Lambda function is built: functions/<name>.ts bundled by esbuild into index.mjs (minified,
 * ESM, with a linked source map), and for a function that uses DuckDB the native binding copied
 * beside it. One definition for the stacks (SwayFunction runs it at synth through
 * infra/build-function.ts, offline, no Docker) and for bench/function-bundles.ts, which weighs it.
 */
import { cpSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { duckdbExternalModules } from './duckdb-binding';

export const repositoryRoot = path.resolve(__dirname, '..', '..');

/**
 * ESM bundles have no `require`; some dependencies (the Powertools tracer, via the X-Ray SDK)
 * still call it, so the bundle defines one.
 */
const esmRequireBanner = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * zod's entry points re-export every locale as a namespace (`export * as locales`), which esbuild
 * cannot tree-shake: every translation of its error messages in every function that validates
 * anything. The service answers in English only, and English is what zod registers by default
 * (`en`, imported on its own by its schemas), so the locales' index resolves to English alone.
 */
export const englishOnlyZodLocales: Plugin = {
  name: 'english-only-zod-locales',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: path.join(args.resolveDir, args.path), namespace: 'english-only-zod-locales' } : undefined,
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'english-only-zod-locales' }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
  },
};

/** The esbuild options of a function's bundle. */
export const functionBuildOptions = (name: string, { duckdb = false } = {}): BuildOptions => ({
  entryPoints: [path.join(repositoryRoot, 'functions', `${name}.ts`)],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  mainFields: ['module', 'main'],
  banner: { js: esmRequireBanner },
  // The AWS SDK is bundled at the version package.json pins, not taken from the runtime.
  external: duckdb ? [...duckdbExternalModules] : [],
  plugins: [englishOnlyZodLocales],
  logLevel: 'warning',
});

/** Builds functions/<name>.ts into `outputDir` (index.mjs and its map), with copies of `duckdbPackages` from the project's node_modules. */
export const buildFunction = async (name: string, outputDir: string, duckdbPackages: readonly string[] = []): Promise<void> => {
  await build({
    ...functionBuildOptions(name, { duckdb: duckdbPackages.length > 0 }),
    outfile: path.join(outputDir, 'index.mjs'),
    sourcemap: true,
    sourcesContent: false,
  });
  for (const packageName of duckdbPackages) {
    const target = path.join(outputDir, 'node_modules', packageName);
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(path.join(repositoryRoot, 'node_modules', packageName), target, { recursive: true, dereference: true });
  }
};
