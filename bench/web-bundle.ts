import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWebAssets, weighWebBuild } from '../web/build';
import { assetsFolder } from '../web/site';
import { round, type BenchmarkResult } from './result';

const kilobytes = (bytes: number): number => round(bytes / 1024, 1);

/**
 * Builds the site as `npm start` and CDK do and weighs what a browser downloads besides the HTML.
 * No ceiling: the goal (bench/goals.ts) is a budget, not something measured in the run.
 */
export const benchWebBundle = async (): Promise<BenchmarkResult> => {
  const outDir = mkdtempSync(join(tmpdir(), 'sway-web-bundle-'));
  try {
    const { assets, gzipBytes } = await weighWebBuild(outDir, await buildWebAssets(outDir));
    const perFile = assets.map(({ file, gzipBytes: bytes }) => `${file.slice(assetsFolder.length + 1)} ${kilobytes(bytes)} KB`);
    return {
      name: 'web.bundle_gzip',
      value: kilobytes(gzipBytes),
      unit: 'KB',
      notes: `JS+CSS of every page, minified by esbuild, gzip -9: ${perFile.join(', ')}`,
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
};
