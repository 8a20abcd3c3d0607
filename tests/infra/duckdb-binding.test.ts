/**
 * The DuckDB functions get the native binding npm installed, copied into their bundles at synth
 * (esbuild cannot bundle it), and run on its architecture.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { duckdbExternalModules, installedDuckdbBinding, lambdaDuckdbBindings } from '../../infra/constructs/duckdb-binding';
import { buildFunction } from '../../infra/constructs/function-build';
import { repositoryRoot, SwayFunction } from '../../infra/constructs/sway-function';
import { newTestApp } from './sway-app-fixture';

const nodeModules = path.join(repositoryRoot, 'node_modules');
const temporaryDirectories: string[] = [];
const temporaryDirectory = (prefix: string): string => {
  const directory = mkdtempSync(path.join(tmpdir(), prefix));
  temporaryDirectories.push(directory);
  return directory;
};
afterAll(() => {
  for (const directory of temporaryDirectories) rmSync(directory, { recursive: true, force: true });
});

/** `exists` of a node_modules holding these platform packages. */
const withPackages =
  (...packages: string[]) =>
  (file: string): boolean =>
    packages.some((packageName) => file === path.join('/nm', packageName, 'duckdb.node'));

describe('the DuckDB binding for Lambda', () => {
  it('deploys on the architecture of the binding that is installed: x86_64 for linux-x64, arm64 for linux-arm64 (preferred when both are)', () => {
    expect(installedDuckdbBinding('/nm', withPackages('@duckdb/node-bindings-linux-x64')).architecture).toBe(Architecture.X86_64);
    expect(installedDuckdbBinding('/nm', withPackages('@duckdb/node-bindings-linux-arm64')).architecture).toBe(Architecture.ARM_64);
    const both = installedDuckdbBinding('/nm', withPackages('@duckdb/node-bindings-linux-x64', '@duckdb/node-bindings-linux-arm64'));
    expect(both).toMatchObject({ packageName: '@duckdb/node-bindings-linux-arm64', architecture: Architecture.ARM_64 });
  });

  it('refuses to synthesize without a Linux glibc binding (a build machine with only its macOS, Windows or musl one)', () => {
    for (const other of ['@duckdb/node-bindings-darwin-arm64', '@duckdb/node-bindings-linux-x64-musl', '@duckdb/node-bindings-win32-x64']) {
      expect(() => installedDuckdbBinding('/nm', withPackages(other)), other).toThrow(/no DuckDB binding for Lambda/);
    }
  });

  it('copies the loader, its libc detection and the platform package', () => {
    expect(installedDuckdbBinding('/nm', withPackages('@duckdb/node-bindings-linux-x64')).packages).toEqual([
      '@duckdb/node-bindings',
      '@duckdb/node-bindings-linux-x64',
      'detect-libc',
    ]);
    expect(duckdbExternalModules).toEqual(['@duckdb/node-bindings*']);
  });

  it('finds the binding npm installed on this machine, of the version the loader names', () => {
    const binding = installedDuckdbBinding(nodeModules);
    expect(lambdaDuckdbBindings.map(({ packageName }) => packageName)).toContain(binding.packageName);
    const loader = JSON.parse(readFileSync(path.join(nodeModules, '@duckdb/node-bindings/package.json'), 'utf8')) as {
      version: string;
      optionalDependencies: Record<string, string>;
    };
    const platform = JSON.parse(readFileSync(path.join(nodeModules, binding.packageName, 'package.json'), 'utf8')) as { version: string; cpu: string[] };
    expect(platform.version).toBe(loader.optionalDependencies[binding.packageName]);
    expect(platform.cpu).toEqual([binding.architecture === Architecture.X86_64 ? 'x64' : 'arm64']);
  });

  it('builds a DuckDB function with the binding beside its bundle, where the bundle loads it from', async () => {
    const binding = installedDuckdbBinding(nodeModules);
    const bundle = temporaryDirectory('sway-duckdb-bundle-');
    await buildFunction('get-stats', bundle, binding.packages);
    // The loader stays an import of the bundle, resolved at run time from the copies beside it.
    expect(readFileSync(path.join(bundle, 'index.mjs'), 'utf8')).toContain('@duckdb/node-bindings');
    expect(existsSync(path.join(bundle, 'node_modules', binding.packageName, 'duckdb.node'))).toBe(true);
    expect(existsSync(path.join(bundle, 'node_modules', binding.packageName, 'libduckdb.so'))).toBe(true);
    expect(existsSync(path.join(bundle, 'node_modules/@duckdb/node-bindings/duckdb.js'))).toBe(true);
    expect(existsSync(path.join(bundle, 'node_modules/detect-libc/package.json'))).toBe(true);
    // What Lambda does with the bundle's index.mjs (the banner's createRequire): resolve from the bundle, not from the project.
    const bundleRequire = createRequire(path.join(bundle, 'index.mjs'));
    expect(bundleRequire.resolve('@duckdb/node-bindings')).toBe(path.join(bundle, 'node_modules/@duckdb/node-bindings/duckdb.js'));
    const runsHere = `${process.platform}-${process.arch}` === binding.packageName.replace('@duckdb/node-bindings-', '');
    if (runsHere) {
      const duckdb = bundleRequire('@duckdb/node-bindings') as { library_version?: () => string };
      expect(typeof duckdb.library_version).toBe('function');
    }
  });

  it('is copied into a function bundle when the stack is synthesized with bundling', () => {
    const binding = installedDuckdbBinding(nodeModules);
    const outdir = temporaryDirectory('sway-duckdb-synth-');
    // Bundling on (no 'aws:cdk:bundling-stacks' override): infra/build-function.ts builds the function and copies the binding.
    const app = newTestApp({ outdir });
    app.node.setContext('aws:cdk:bundling-stacks', ['**']);
    const stack = new Stack(app, 'DuckdbBundleStack');
    const fn = new SwayFunction(stack, 'Healthz', { name: 'healthz', duckdb: binding });
    const assembly = app.synth();
    const template = assembly.getStackByName(stack.stackName).template as { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };
    const functionResource = Object.values(template.Resources).find((resource) => resource.Type === 'AWS::Lambda::Function')!;
    expect(functionResource.Properties.Architectures).toEqual([binding.architecture.name]);
    expect(fn.function.architecture).toBe(binding.architecture);
    const assetDirectory = readdirSync(outdir).find((entry) => entry.startsWith('asset.') && existsSync(path.join(outdir, entry, 'index.mjs')))!;
    expect(assetDirectory).toBeDefined();
    const bundle = path.join(outdir, assetDirectory);
    for (const packageName of binding.packages) expect(existsSync(path.join(bundle, 'node_modules', packageName, 'package.json')), packageName).toBe(true);
    expect(existsSync(path.join(bundle, 'node_modules', binding.packageName, 'duckdb.node'))).toBe(true);
  }, 120_000);
});
