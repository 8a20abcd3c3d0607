/**
 * Builds the static site: the pages' TypeScript bundled and minified by esbuild (code shared by
 * several pages, uPlot above all, goes in shared chunks), the stylesheet, and the HTML pages — one
 * layout around each page's content — with asset references rewritten to the content-hashed names.
 * `npx tsx web/build.ts [outDir]` builds into outDir (default web/dist).
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { assetsFolder, notFoundPage } from './site';

const webDir = __dirname;
const browserDir = join(webDir, 'browser');
const pagesDir = join(webDir, 'pages');
const scriptEntries = ['index.ts', 'topic.ts', 'account.ts', 'find.ts'];
const styleEntries = ['site.css'];

/**
 * Every HTML file: pages/_layout.html around the page's own content (pages/<content>; pages filled
 * in by their script start with "Loading…"), with the header's search box where the page has no
 * search of its own.
 */
const pageShells: { file: string; title: string; description: string; script?: string; headerSearch: boolean; content?: string }[] = [
  {
    file: 'index.html',
    title: 'Sway · who moves each topic',
    description: 'Topic leaderboards and account scores, by the response content earns from others.',
    script: 'index.js',
    headerSearch: false,
    content: 'index.html',
  },
  { file: 'topic.html', title: 'Topic · Sway', description: 'A topic leaderboard on Sway.', script: 'topic.js', headerSearch: true },
  {
    file: 'account.html',
    title: 'Account · Sway',
    description: "An account's scores on Sway, their history and why they are what they are.",
    script: 'account.js',
    headerSearch: true,
  },
  {
    file: 'find.html',
    title: 'Campaign search · Sway',
    description: 'Find the accounts that move the topics of a campaign, compare their audiences and keep a shortlist.',
    script: 'find.js',
    headerSearch: true,
    content: 'find.html',
  },
  { file: 'method.html', title: 'How scores work · Sway', description: 'How Sway computes its scores.', headerSearch: true, content: 'method.html' },
  { file: notFoundPage, title: 'Page not found · Sway', description: 'There is no page here.', headerSearch: true, content: notFoundPage },
];

export interface WebBuild {
  /** Paths relative to the output folder. */
  files: string[];
}

export interface WebBuildWeight {
  totalBytes: number;
  /** Each script and style (what a browser downloads besides the HTML), gzipped at level 9. */
  assets: { file: string; gzipBytes: number }[];
  gzipBytes: number;
}

const defaultWebOutDir = join(webDir, 'dist');

export const buildWebAssets = async (outDir: string): Promise<WebBuild> => {
  const assetsDir = join(outDir, assetsFolder);
  await rm(assetsDir, { recursive: true, force: true });
  await mkdir(assetsDir, { recursive: true });

  const result = await build({
    entryPoints: [...scriptEntries, ...styleEntries].map((entry) => join(browserDir, entry)),
    outdir: assetsDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: webDir,
  });

  // "site.css" → "site-AB12CD34.css": what the HTML shells name and what esbuild wrote.
  const hashedNames = new Map<string, string>();
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const entry = basename(meta.entryPoint).replace(/\.ts$/, '.js');
    hashedNames.set(entry, basename(output));
  }

  const layout = await readFile(join(pagesDir, '_layout.html'), 'utf8');
  const headerSearch = await readFile(join(pagesDir, '_search.html'), 'utf8');
  for (const page of pageShells) {
    const main = page.content ? await readFile(join(pagesDir, page.content), 'utf8') : '  <p class="loading">Loading…</p>\n';
    const slots: Record<string, string> = {
      title: page.title,
      description: page.description,
      script: page.script ? `<script type="module" src="/${assetsFolder}/${page.script}"></script>\n` : '',
      search: page.headerSearch ? headerSearch : '',
      // A page whose script fills its whole main region says so until it has.
      busy: page.content ? '' : ' aria-busy="true"',
      main: main.trimEnd(),
    };
    const html = layout
      .replace(/\{\{(\w+)\}\}/g, (_, slot: string) => slots[slot] ?? '')
      .replace(new RegExp(`/${assetsFolder}/([\\w-]+\\.(?:js|css))`, 'g'), (reference, name: string) => {
        const hashed = hashedNames.get(name);
        if (!hashed) throw new Error(`${page.file} refers to ${reference}, which the build does not produce`);
        return `/${assetsFolder}/${hashed}`;
      });
    await writeFile(join(outDir, page.file), html);
  }

  return { files: await listFiles(outDir) };
};

/** How much a build weighs: for the bench and the command line, not for `npm start` or a deploy. */
export const weighWebBuild = async (outDir: string, { files }: WebBuild): Promise<WebBuildWeight> => {
  let totalBytes = 0;
  const assets: WebBuildWeight['assets'] = [];
  for (const file of files) {
    const content = await readFile(join(outDir, file));
    totalBytes += content.length;
    if (file.startsWith(`${assetsFolder}/`)) assets.push({ file, gzipBytes: gzipSync(content, { level: 9 }).length });
  }
  return { totalBytes, assets, gzipBytes: assets.reduce((sum, asset) => sum + asset.gzipBytes, 0) };
};

const listFiles = async (root: string, dir = root): Promise<string[]> => {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(root, path)));
    else if (entry.isFile()) files.push(relative(root, path).split('\\').join('/'));
  }
  return files.sort();
};

if (require.main === module) {
  const outDir = resolve(process.argv[2] ?? defaultWebOutDir);
  const started = performance.now();
  buildWebAssets(outDir)
    .then(async (built) => {
      const milliseconds = Math.round(performance.now() - started);
      const { totalBytes, gzipBytes } = await weighWebBuild(outDir, built);
      const { files } = built;
      console.log(
        `built ${files.length} files into ${relative(process.cwd(), outDir) || '.'} in ${milliseconds} ms ` +
          `(${(totalBytes / 1024).toFixed(1)} KB; scripts and styles ${(gzipBytes / 1024).toFixed(1)} KB gzipped)`,
      );
    })
    .catch((error: unknown) => {
      console.error(`web build failed: ${(error as Error).message}`);
      process.exit(1);
    });
}
