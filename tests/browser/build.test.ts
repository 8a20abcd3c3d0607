import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webFileResponse } from '../../infra/local/static-site';
import { buildWebAssets, weighWebBuild, type WebBuild } from '../../web/build';
import { notFoundPage, webFileFor, webPages } from '../../web/site';

const outDir = mkdtempSync(join(tmpdir(), 'sway-web-build-'));
let built: WebBuild;
const read = (file: string) => readFileSync(join(outDir, file), 'utf8');

beforeAll(async () => {
  built = await buildWebAssets(outDir);
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('buildWebAssets', () => {
  it('builds every page webPages names and the 404 page', () => {
    for (const file of [...webPages.map((page) => page.file), notFoundPage]) expect(built.files).toContain(file);
  });

  it('weighs every script and style it built, and nothing else', async () => {
    const weight = await weighWebBuild(outDir, built);
    const assets = built.files.filter((file) => file.startsWith('assets/'));
    expect(weight.assets.map(({ file }) => file)).toEqual(assets);
    expect(assets.some((file) => file.endsWith('.css')) && assets.some((file) => file.endsWith('.js'))).toBe(true);
    for (const { file, gzipBytes } of weight.assets) expect(gzipBytes, file).toBeGreaterThan(0);
    expect(weight.gzipBytes).toBe(weight.assets.reduce((sum, { gzipBytes }) => sum + gzipBytes, 0));
  });

  it('rewrites each page’s asset references to built, content-hashed files the server maps to themselves', () => {
    for (const page of built.files.filter((file) => file.endsWith('.html'))) {
      for (const [, reference] of read(page).matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) {
        expect(reference, page).toMatch(/^\/assets\/\w+-[A-Z0-9]{8}\.(js|css)$/);
        expect(webFileFor(reference!), `${page} → ${reference}`).toBe(reference!.slice(1));
        expect(built.files).toContain(reference!.slice(1));
      }
    }
    for (const page of ['index.html', 'topic.html', 'account.html', 'find.html']) expect(read(page)).toMatch(/<script type="module" src="\/assets\//);
    for (const page of built.files.filter((file) => file.endsWith('.html')))
      expect(read(page), page).toMatch(/<link[^>]+href="\/assets\/site-[A-Z0-9]{8}\.css"/);
  });

  it('keeps zod out of the browser: the pages import only types from the API schemas', () => {
    const scripts = built.files
      .filter((file) => file.endsWith('.js'))
      .map(read)
      .join('\n');
    expect(scripts).toContain('u-over');
    expect(scripts).not.toMatch(/ZodError|\$ZodType/);
  });
});

describe('the local server of the built site', () => {
  it('sends pages to be revalidated and hashed assets to be cached for good, each with its content type', async () => {
    const page = await webFileResponse(outDir, '/topics/astronomy', 'GET');
    expect(page).toMatchObject({ statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' } });
    expect(page.body).toBe(read('topic.html'));

    const script = built.files.find((file) => file.startsWith('assets/topic-'))!;
    const asset = await webFileResponse(outDir, `/${script}`, 'GET');
    expect(asset).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable' },
    });
    expect((await webFileResponse(outDir, '/', 'HEAD')).body).toBe('');
  });

  it('answers a path that is no page, and an asset that is not there, with the 404 page and status 404', async () => {
    for (const path of ['/no/such/page', '/assets/topic-AAAAAAAA.js']) {
      const response = await webFileResponse(outDir, path, 'GET');
      expect(response, path).toMatchObject({ statusCode: 404, headers: { 'content-type': 'text/html; charset=utf-8' } });
      expect(response.body).toBe(read(notFoundPage));
    }
  });
});
