/**
 * The catalogue of functions (lib/wiring/functions.ts) is the whole of functions/: every file has
 * its entry, and every entry its file. The stacks deploy from it, and the local runtime gives each
 * invocation the memory and time it lists.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../infra/local/lambda-context';
import { functionCatalogue, functionDefinition } from '../../lib/wiring/functions';

const files = readdirSync(join(__dirname, '..', '..', 'functions'))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -3))
  .sort();

describe('the catalogue of functions', () => {
  it('holds every file of functions/, and nothing else', () => {
    expect([...functionCatalogue().keys()].sort()).toEqual(files);
  });

  it('refuses a name it does not hold', () => {
    expect(() => functionDefinition('no-such-function')).toThrow(/no function named no-such-function/);
  });

  it('gives a local invocation the memory and time the function has in AWS', () => {
    const stats = lambdaContext('get-stats');
    expect(stats.memoryLimitInMB).toBe(String(functionDefinition('get-stats').memoryMb));
    expect(stats.memoryLimitInMB).toBe('2048');
    const remaining = stats.getRemainingTimeInMillis();
    expect(remaining).toBeLessThanOrEqual(28_000);
    expect(remaining).toBeGreaterThan(20_000);
    expect(lambdaContext('get-account').memoryLimitInMB).toBe('1024');
  });
});
