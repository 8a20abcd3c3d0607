import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildWebAssets } from '../web/build';
import { assetsFolder } from '../web/site';
import type { BenchmarkResult } from './result';

/** Issue 6: the pages' JavaScript plus CSS, gzipped, at most 100 KB. */
const CEILING_KB = 100;

const kilobytes = (bytes: number): number => Number((bytes / 1024).toFixed(1));

/** Builds the site as `npm start` and CDK do and weighs what a browser downloads besides the HTML. */
export const benchWebBundle = async (): Promise<BenchmarkResult> => {
  const outDir = mkdtempSync(join(tmpdir(), 'sway-web-bundle-'));
  try {
    const { files, gzipBytes } = await buildWebAssets(outDir);
    const perFile = files
      .filter((file) => file.startsWith(`${assetsFolder}/`))
      .map((file) => `${file.slice(assetsFolder.length + 1)} ${kilobytes(gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length)} KB`);
    const value = kilobytes(gzipBytes);
    return {
      name: 'web.bundle_gzip',
      value,
      unit: 'KB',
      ceiling: CEILING_KB,
      ratio: Number((CEILING_KB / value).toFixed(2)),
      notes: `JS+CSS of every page, minified by esbuild, gzip -9: ${perFile.join(', ')}`,
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
};
