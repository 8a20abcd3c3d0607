import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * DuckDB (`@duckdb/node-api`) loads a native binding: `@duckdb/node-bindings` picks, at run time,
 * the package built for the platform it runs on (`@duckdb/node-bindings-linux-x64/duckdb.node` and
 * its `libduckdb.so`). esbuild cannot bundle a native module, so the functions that use DuckDB
 * leave these packages out of the bundle (`duckdbExternalModules`) and get copies of the ones npm
 * installed on the build machine next to it (function-build.ts), at synth, offline. Lambda
 * runs Linux with glibc; the function's architecture is that of the binding that is installed, so a
 * build machine with the arm64 binding deploys arm64 functions and one with the x64 binding x86_64.
 */

/** The Lambda-compatible (Linux, glibc) bindings, in order of preference: arm64 is Sway's default. */
export const lambdaDuckdbBindings = [
  { packageName: '@duckdb/node-bindings-linux-arm64', architecture: lambda.Architecture.ARM_64 },
  { packageName: '@duckdb/node-bindings-linux-x64', architecture: lambda.Architecture.X86_64 },
] as const;

/** For esbuild: `@duckdb/node-bindings` (the loader) and every platform package stay out of the bundle. */
export const duckdbExternalModules = ['@duckdb/node-bindings*'] as const;

export interface DuckdbBinding {
  /** The platform package with `duckdb.node` and `libduckdb.so`. */
  packageName: string;
  architecture: lambda.Architecture;
  /** What the bundle's node_modules needs: the loader, its dependency, the platform package. */
  packages: readonly string[];
}

/**
 * The binding for Lambda that npm installed in `nodeModulesDirectory`, preferring arm64 when both
 * are there. Throws when there is none (a build machine on macOS or Windows gets only its own).
 */
export function installedDuckdbBinding(nodeModulesDirectory: string, exists: (file: string) => boolean = existsSync): DuckdbBinding {
  const found = lambdaDuckdbBindings.find(({ packageName }) => exists(path.join(nodeModulesDirectory, packageName, 'duckdb.node')));
  if (!found) {
    throw new Error(
      `no DuckDB binding for Lambda in ${nodeModulesDirectory}: install ${lambdaDuckdbBindings.map((binding) => binding.packageName).join(' or ')} ` +
        '(the version @duckdb/node-bindings names) before synthesizing, e.g. on a Linux machine: npm ci',
    );
  }
  return {
    packageName: found.packageName,
    architecture: found.architecture,
    // detect-libc: the loader asks it whether the system is musl (it falls back to glibc without it).
    packages: ['@duckdb/node-bindings', found.packageName, 'detect-libc'],
  };
}
