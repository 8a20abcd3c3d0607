/**
 * How a function is built for Lambda (infra/constructs/function-build.ts): one ESM bundle with its
 * source map, the handler exported, zod's English messages kept and its other locales left out.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunction } from '../../infra/constructs/function-build';
import { SwayFunction } from '../../infra/constructs/sway-function';
import { newTestApp, type TemplateResource } from './sway-app-fixture';

const bundle = mkdtempSync(path.join(tmpdir(), 'sway-function-build-'));
const outdir = mkdtempSync(path.join(tmpdir(), 'sway-function-synth-'));
let code: string;

beforeAll(async () => {
  await buildFunction('webhook-mastodon', bundle);
  code = readFileSync(path.join(bundle, 'index.mjs'), 'utf8');
}, 60_000);
afterAll(() => {
  rmSync(bundle, { recursive: true, force: true });
  rmSync(outdir, { recursive: true, force: true });
});

describe('a function built for Lambda', () => {
  it('is one ESM file exporting its handler, with a linked source map and no copy of the sources', () => {
    expect(code).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}/);
    expect(code).toContain('createRequire(import.meta.url)');
    expect(code).toContain('//# sourceMappingURL=index.mjs.map');
    const map = JSON.parse(readFileSync(path.join(bundle, 'index.mjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    // A webhook network's function has no file: its entry, written by the build, hands the network's source to the shared webhook function.
    expect(map.sources.some((source) => source.endsWith('webhook-mastodon.ts'))).toBe(true);
    expect(map.sources.some((source) => source.endsWith('lib/domain/networks/mastodon/source.ts'))).toBe(true);
    expect(map.sources.some((source) => source.endsWith('lib/wiring/webhook-function.ts'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
    expect(existsSync(path.join(bundle, 'node_modules'))).toBe(false);
  });

  it("holds its own provider's code and no other's", () => {
    const sources = (JSON.parse(readFileSync(path.join(bundle, 'index.mjs.map'), 'utf8')) as { sources: string[] }).sources;
    const providers = new Set(sources.flatMap((source) => /lib\/domain\/networks\/([a-z]+)\//.exec(source)?.[1] ?? []));
    expect([...providers]).toEqual(['mastodon']);
    expect(code).not.toContain('x-twitter-webhooks-signature');
  });

  it("keeps zod's English messages and leaves its other locales out", () => {
    expect(code).toContain('Invalid input');
    // German, Japanese and French messages of the same check.
    expect(code).not.toContain('Ungültige Eingabe');
    expect(code).not.toContain('無効な入力');
    expect(code).not.toContain('Entrée invalide');
  });

  it('is built at synth into an asset of its own: two functions never share a bundle', () => {
    const app = newTestApp({ outdir });
    app.node.setContext('aws:cdk:bundling-stacks', ['**']);
    const stack = new Stack(app, 'TwoFunctions');
    new SwayFunction(stack, 'Healthz', { name: 'healthz' });
    new SwayFunction(stack, 'OpenApi', { name: 'openapi' });
    const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, TemplateResource> };
    const keys = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map((resource) => (resource.Properties!.Code as { S3Key: string }).S3Key);
    expect(new Set(keys).size).toBe(2);
    const bundled = readdirSync(outdir)
      .filter((entry) => entry.startsWith('asset.') && existsSync(path.join(outdir, entry, 'index.mjs.map')))
      .map((entry) =>
        (JSON.parse(readFileSync(path.join(outdir, entry, 'index.mjs.map'), 'utf8')) as { sources: string[] }).sources.find((source) =>
          /(^|\/)functions\/[^/]+\.ts$/.test(source),
        ),
      );
    expect(bundled.map((source) => source?.replace(/.*functions\//, '')).sort()).toEqual(['healthz.ts', 'openapi.ts']);
  }, 120_000);
});
