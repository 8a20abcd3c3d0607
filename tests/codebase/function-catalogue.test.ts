/**
 * The catalogue of functions (lib/wiring/functions.ts) is the whole of functions/ and the webhook
 * networks' functions, which have no file: every file has its entry, every entry its file or its
 * network. The stacks deploy from it, and the local runtime gives each invocation the memory and
 * time it lists.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../infra/local/lambda-context';
import { functionCatalogue, functionDefinition } from '../../lib/wiring/functions';
import { WEBHOOK_NETWORKS, webhookFunctionNames } from '../../lib/domain/networks/webhook-networks';
import { webhookSources } from '../../lib/domain/networks/webhook-sources';

const files = readdirSync(join(__dirname, '..', '..', 'functions'))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -3))
  .sort();

describe('the catalogue of functions', () => {
  it('holds every file of functions/ and a function per webhook network, and nothing else', () => {
    expect([...functionCatalogue().keys()].sort()).toEqual([...files, ...webhookFunctionNames()].sort());
    for (const name of webhookFunctionNames()) expect(files).not.toContain(name);
  });

  // The build writes a webhook function's entry from its network's name (infra/constructs/function-build.ts).
  it.each(WEBHOOK_NETWORKS)('finds the %s source where the build looks for it: <network>Webhook of networks/<network>/source.ts', async (network) => {
    const module = (await import(`../../lib/domain/networks/${network}/source.ts`)) as Record<string, unknown>;
    expect(module[`${network}Webhook`]).toBe(webhookSources[network]);
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
