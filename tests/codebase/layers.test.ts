/**
 * The layer rules of `npm run lint` (biome.json) fail where they should: modules placed in a copy
 * of the tree's folders, each importing across a line the rules draw, are linted with the
 * repository's own configuration, and each import that crosses is reported; imports that stay
 * within their layer are not.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const biome = join(root, 'node_modules', '.bin', 'biome');

const probes: Record<string, string> = {
  'lib/domain/scoring/imports-an-adapter.ts': `import { Table } from '../../adapters/dynamodb/table';\n\nexport const probe = Table;\n`,
  'lib/domain/scoring/imports-a-use-case.ts': `import { runTopicUnit } from '../../app/recompute/topic-unit';\n\nexport const probe = runTopicUnit;\n`,
  'lib/domain/scoring/imports-the-wiring.ts': `import { stores } from '../../wiring/dependencies';\n\nexport const probe = stores;\n`,
  'lib/domain/scoring/imports-the-aws-sdk.ts': `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\n\nexport const probe = DynamoDBClient;\n`,
  'lib/domain/scoring/imports-lambda-types.ts': `import type { SQSEvent } from 'aws-lambda';\n\nexport type Probe = SQSEvent;\n`,
  'lib/domain/scoring/imports-middy.ts': `import middy from '@middy/core';\n\nexport const probe = middy;\n`,
  'lib/domain/scoring/imports-duckdb.ts': `import { DuckDBInstance } from '@duckdb/node-api';\n\nexport const probe = DuckDBInstance;\n`,
  'lib/domain/scoring/imports-the-domain.ts': `import { accountKey } from '../interactions/schema';\nimport { z } from 'zod';\n\nexport const probe = [accountKey, z];\n`,
  'lib/app/recompute/imports-dev.ts': `import { LocalQueue } from '../../dev/local-queue';\n\nexport const probe = LocalQueue;\n`,
  'functions/imports-dev.ts': `import { demoWorld } from '../lib/dev/demo/demo-world';\n\nexport const probe = demoWorld;\n`,
  'infra/imports-dev.ts': `import { LocalQueue } from '../lib/dev/local-queue';\n\nexport const probe = LocalQueue;\n`,
  'infra/local/imports-dev.ts': `import { LocalQueue } from '../../lib/dev/local-queue';\n\nexport const probe = LocalQueue;\n`,
  'lib/app/recompute/imports-an-adapter.ts': `import { Table } from '../../adapters/dynamodb/table';\n\nexport const probe = Table;\n`,
  'lib/app/queries/imports-http.ts': `import { problems } from '../../adapters/http/problem';\n\nexport const probe = problems;\n`,
  'lib/app/webhooks/imports-http.ts': `import { problems } from '../../adapters/http/problem';\n\nexport const probe = problems;\n`,
  'lib/app/webhooks/imports-dev.ts': `import { LocalQueue } from '../../dev/local-queue';\n\nexport const probe = LocalQueue;\n`,
  'lib/adapters/dynamodb/imports-a-use-case.ts': `import type { Run } from '../../app/api/schemas';\n\nexport type Probe = Run;\n`,
  'lib/adapters/queue/imports-dev.ts': `import { LocalQueue } from '../../dev/local-queue';\n\nexport const probe = LocalQueue;\n`,
  'lib/adapters/dynamodb/imports-the-domain.ts': `import type { RunRecord } from '../../domain/run-record';\n\nexport type Probe = RunRecord;\n`,
};

let findings: Map<string, number>;

beforeAll(() => {
  const tree = mkdtempSync(join(tmpdir(), 'sway-layers-'));
  try {
    const config = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8')) as Record<string, unknown>;
    delete config.$schema;
    // The copy is not a git repository: lint every file placed in it.
    config.vcs = { enabled: false };
    writeFileSync(join(tree, 'biome.json'), JSON.stringify(config));
    for (const [path, source] of Object.entries(probes)) {
      mkdirSync(dirname(join(tree, path)), { recursive: true });
      writeFileSync(join(tree, path), source);
    }
    let output: string;
    try {
      output = execFileSync(biome, ['lint', '--reporter=json', '--max-diagnostics=none', '.'], {
        cwd: tree,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch (error) {
      // Biome exits non-zero when it reports errors, which is the point here.
      output = (error as { stdout: string }).stdout;
    }
    const report = JSON.parse(output) as { diagnostics: { category: string; location: { path: string } }[] };
    findings = new Map();
    for (const diagnostic of report.diagnostics) {
      if (diagnostic.category !== 'lint/style/noRestrictedImports') continue;
      findings.set(diagnostic.location.path, (findings.get(diagnostic.location.path) ?? 0) + 1);
    }
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
});

afterAll(() => findings?.clear());

describe('npm run lint: the layers', () => {
  it.each([
    'lib/domain/scoring/imports-an-adapter.ts',
    'lib/domain/scoring/imports-a-use-case.ts',
    'lib/domain/scoring/imports-the-wiring.ts',
    'lib/domain/scoring/imports-the-aws-sdk.ts',
    'lib/domain/scoring/imports-lambda-types.ts',
    'lib/domain/scoring/imports-middy.ts',
    'lib/domain/scoring/imports-duckdb.ts',
  ])('fails a domain module that reaches outside the domain: %s', (path) => {
    expect(findings.get(path)).toBe(1);
  });

  it.each([
    'lib/app/recompute/imports-dev.ts',
    'lib/app/webhooks/imports-dev.ts',
    'lib/adapters/queue/imports-dev.ts',
    'functions/imports-dev.ts',
    'infra/imports-dev.ts',
  ])('fails deployed code that imports development-only code: %s', (path) => {
    expect(findings.get(path)).toBe(1);
  });

  it('fails a use case that imports the HTTP adapter (it throws domain errors that the adapter maps)', () => {
    expect(findings.get('lib/app/queries/imports-http.ts')).toBe(1);
  });

  it('fails an adapter that imports a use case (even a type: what the two share is in the domain)', () => {
    expect(findings.get('lib/adapters/dynamodb/imports-a-use-case.ts')).toBe(1);
  });

  it.each([
    'lib/domain/scoring/imports-the-domain.ts',
    'infra/local/imports-dev.ts',
    'lib/app/recompute/imports-an-adapter.ts',
    'lib/adapters/dynamodb/imports-the-domain.ts',
    // The webhooks' use case is the HTTP side of the webhooks: it reads the request and answers problems.
    'lib/app/webhooks/imports-http.ts',
  ])('passes an import the layers allow: %s', (path) => {
    expect(findings.get(path)).toBeUndefined();
  });
});
