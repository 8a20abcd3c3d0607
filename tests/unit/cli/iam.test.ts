/** Admin commands against a deployment: SigV4-signed for execute-api, checked by a loopback server with the SDK's signer. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSway } from './fake-sway-server';
import { runSway } from './run-sway';

const iam = { accessKeyId: 'AKIDEXAMPLESWAY', secretAccessKey: 'fake-secret-for-tests', region: 'eu-west-1' };
const awsEnv = { AWS_ACCESS_KEY_ID: iam.accessKeyId, AWS_SECRET_ACCESS_KEY: iam.secretAccessKey, AWS_REGION: iam.region };

let server: Awaited<ReturnType<typeof startFakeSway>> | undefined;
let directory: string | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (directory) await rm(directory, { recursive: true, force: true });
  directory = undefined;
});

describe('sway --iam', () => {
  it('signs stats with SigV4 from the credential chain and AWS_REGION, and sends no bearer token', async () => {
    server = await startFakeSway({ iam });
    const stats = await runSway(['--url', server.url, '--iam', 'stats', '--json'], { env: { ...awsEnv, SWAY_ADMIN_TOKEN: 'local-token' } });
    expect(stats.stderr).toBe('');
    expect(stats.exitCode).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ pending: 0, deadLetters: 0 });
    const [request] = server.state.requests;
    expect(request?.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${iam.accessKeyId}/\\d{8}/eu-west-1/execute-api/aws4_request, `));
  });

  it('signs admin writes with their bodies: an opt-out and a redrive of one queue', async () => {
    server = await startFakeSway({ iam });
    const forget = await runSway(['--url', server.url, '--iam', 'forget', 'x:42'], { env: awsEnv });
    expect(forget.exitCode).toBe(0);
    expect(server.state.forgotten).toEqual(['/v1/accounts/x/42']);
    const redrive = await runSway(['--url', server.url, '--iam', 'redrive', '--queue', 'interactions'], { env: awsEnv });
    expect(redrive.stderr).toBe('');
    expect(redrive.exitCode).toBe(0);
    expect(server.state.redriveBodies).toEqual(['{"queue":"interactions"}']);
  });

  it('is refused (exit 1) with credentials the deployment does not know', async () => {
    server = await startFakeSway({ iam });
    const refused = await runSway(['--url', server.url, '--iam', 'stats'], { env: { ...awsEnv, AWS_SECRET_ACCESS_KEY: 'not-the-secret' } });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('(403)');
    // The bearer token alone is no way in either.
    const bearer = await runSway(['--url', server.url, 'stats'], { env: { SWAY_ADMIN_TOKEN: 'local-token' } });
    expect(bearer.exitCode).toBe(1);
    expect(server.state.statsCalls).toBe(0);
  });

  it('needs a region: exit 2 naming AWS_REGION when neither the environment nor the URL gives one', async () => {
    server = await startFakeSway({ iam });
    const result = await runSway(['--url', server.url, '--iam', 'stats'], {
      env: { AWS_ACCESS_KEY_ID: iam.accessKeyId, AWS_SECRET_ACCESS_KEY: iam.secretAccessKey },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('AWS_REGION is not set');
    expect(server.state.requests).toHaveLength(0);
  });

  it('signs by default for an execute-api URL, in the region its host names, and leaves lookups unsigned', async () => {
    const sent: { url: string; headers: Record<string, string> }[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      sent.push({ url: String(input), headers: init?.headers as Record<string, string> });
      const body = String(input).includes('/v1/admin/stats')
        ? { interactions: 0, pending: 0, deadLetters: 0, accounts: 0, topics: 0, lastRun: null }
        : { network: 'x', id: '42', handle: 'alice', score: 50, topics: [], computedAt: '2025-01-02T03:04:05.000Z' };
      return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }));
    };
    const url = 'https://abc123.execute-api.ap-southeast-2.amazonaws.com';
    const env = { AWS_ACCESS_KEY_ID: iam.accessKeyId, AWS_SECRET_ACCESS_KEY: iam.secretAccessKey };
    expect((await runSway(['--url', url, 'stats'], { env, fetch })).exitCode).toBe(0);
    expect((await runSway(['--url', url, 'score', 'x:42'], { env, fetch })).exitCode).toBe(0);
    expect(sent[0]?.headers.authorization).toMatch(/\/ap-southeast-2\/execute-api\/aws4_request, SignedHeaders=[^,]*host[^,]*x-amz-date/);
    expect(sent[1]?.headers.authorization).toBeUndefined();
  });
});

describe('sway --url with the outputs of cdk deploy', () => {
  it('reads the ApiUrl output from the file', async () => {
    server = await startFakeSway({ iam });
    directory = await mkdtemp(join(tmpdir(), 'sway-outputs-'));
    await writeFile(join(directory, 'cdk-outputs.json'), JSON.stringify({ 'Sway-Data': { TableName: 't' }, 'Sway-Api': { ApiUrl: server.url } }));
    const stats = await runSway(['--url', 'cdk-outputs.json', '--iam', 'stats'], { env: awsEnv, cwd: directory });
    expect(stats.exitCode).toBe(0);
    expect(server.state.statsCalls).toBe(1);
  });

  it('exit 2 for a file without the output, or with it in several stacks', async () => {
    directory = await mkdtemp(join(tmpdir(), 'sway-outputs-'));
    await writeFile(join(directory, 'none.json'), JSON.stringify({ 'Sway-Data': { TableName: 't' } }));
    await writeFile(join(directory, 'two.json'), JSON.stringify({ Dev: { ApiUrl: 'https://a.example' }, Prod: { ApiUrl: 'https://b.example' } }));
    const none = await runSway(['--url', 'none.json', 'stats'], { env: awsEnv, cwd: directory });
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('no stack output ApiUrl');
    const two = await runSway(['--url', 'two.json', 'stats'], { env: awsEnv, cwd: directory });
    expect(two.exitCode).toBe(2);
    expect(two.stderr).toContain('several stacks (Dev, Prod)');
    const missing = await runSway(['--url', 'missing.json', 'stats'], { env: awsEnv, cwd: directory });
    expect(missing.exitCode).toBe(2);
  });
});
