/**
 * How each Lambda function is built: functions/<name>.ts (or a webhook network's source) bundled by esbuild into index.mjs (minified,
 * ESM, with a linked source map), and for a function that uses DuckDB the native binding copied
 * beside it. One definition for the stacks (SwayFunction runs it at synth through
 * infra/build-function.ts, offline, no Docker) and for bench/function-bundles.ts, which weighs it.
 */
import { cpSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { duckdbExternalModules } from './duckdb-binding';
import { webhookNetworkOf } from '../../lib/domain/networks/webhook-networks';

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

/**
 * Where a function's bundle starts: functions/<name>.ts; for a webhook network's function, which
 * has no file, an entry written here that hands the network's source (`<network>Webhook` of
 * lib/domain/networks/<network>/source.ts, as tests/codebase/function-catalogue.test.ts holds) to the
 * shared webhook function, so the bundle holds that provider's code alone.
 */
const entryOf = (name: string): Pick<BuildOptions, 'entryPoints' | 'stdin'> => {
  const network = webhookNetworkOf(name);
  if (!network) return { entryPoints: [path.join(repositoryRoot, 'functions', `${name}.ts`)] };
  return {
    stdin: {
      contents: [
        `import { ${network}Webhook } from './lib/domain/networks/${network}/source';`,
        "import { deployedWebhookHandler } from './lib/wiring/webhook-function';",
        `export const handler = deployedWebhookHandler(${network}Webhook);`,
      ].join('\n'),
      resolveDir: repositoryRoot,
      sourcefile: `${name}.ts`,
      loader: 'ts',
    },
  };
};

/** Where a reader finds a function's code: its file in functions/, or its network's source. */
export const functionSource = (name: string): string => {
  const network = webhookNetworkOf(name);
  return network ? `lib/domain/networks/${network}/source.ts` : `functions/${name}.ts`;
};

/** The esbuild options of a function's bundle. */
export const functionBuildOptions = (name: string, { duckdb = false } = {}): BuildOptions => ({
  ...entryOf(name),
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
