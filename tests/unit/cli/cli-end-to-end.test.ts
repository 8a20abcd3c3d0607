/** The commands end to end against a loopback fake of the API: real HTTP, real files, no network. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSway, TEST_ADMIN_TOKEN, TEST_SECRET, type FakeSwayOptions } from './fake-sway-server';
import { runSway } from './run-sway';

let directory: string;
let server: Awaited<ReturnType<typeof startFakeSway>> | undefined;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'sway-cli-'));
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(directory, { recursive: true, force: true });
});

const start = async (options: FakeSwayOptions = {}) => {
  server = await startFakeSway(options);
  return server;
};

const env = (extra: Record<string, string> = {}) => ({
  SWAY_SECRET_GENERIC: TEST_SECRET,
  SWAY_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
  ...extra,
});

const post = (id: string) => ({ id, network: 'x', type: 'post', actor: { id: 'a1' }, occurredAt: '2025-01-01T00:00:00Z' });

const readJsonLines = async (path: string) =>
  (await readFile(path, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { line: number; reason: string; input: string });

describe('sway import', () => {
  const lines = [
    JSON.stringify(post('p1')),
    JSON.stringify(post('p2')),
    '{"id": "broken",',
    JSON.stringify(post('server-reject-1')),
    JSON.stringify({ ...post('p3'), type: 'like' }),
    JSON.stringify(post('p4')),
    '',
    JSON.stringify(post('p1')),
    JSON.stringify(post('p5')),
  ];

  it('sends signed batches, retries, rejects bad lines locally and as the server says, and sums the answers', async () => {
    const sway = await start({ unavailableIngests: 1, serverRejectPrefix: 'server-reject' });
    const file = join(directory, 'in.jsonl');
    await writeFile(file, `${lines.join('\n')}\n`);

    const result = await runSway(['--url', sway.url, 'import', file, '--batch-size', '2', '--concurrency', '2', '--json'], { env: env() });

    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const rejectedFile = `${file}.rejected.jsonl`;
    expect(JSON.parse(result.stdout)).toEqual({ accepted: 4, duplicates: 1, ignored: 0, rejected: 3, rejectedFile });
    expect(sway.state.ingests.every((request) => request.signatureValid)).toBe(true);
    expect(Math.max(...sway.state.ingests.map((request) => request.items))).toBeLessThanOrEqual(2);
    expect([...sway.state.stored.keys()].sort()).toEqual(['x:p1', 'x:p2', 'x:p4', 'x:p5']);

    const rejected = (await readJsonLines(rejectedFile)).sort((a, b) => a.line - b.line);
    expect(rejected.map(({ line, input }) => ({ line, input }))).toEqual([
      { line: 3, input: '{"id": "broken",' },
      { line: 4, input: lines[3] },
      { line: 5, input: lines[4] },
    ]);
    expect(rejected[0]?.reason).toMatch(/^not valid JSON/);
    expect(rejected[1]?.reason).toBe('refused by the test server');
    expect(rejected[2]?.reason).toBe('target: a like needs a target');
  });

  it('reads CSV from stdin and prints the counts for people', async () => {
    const sway = await start();
    const csv = [
      'id,network,type,actor.id,target.id,parentContentId,topics,occurredAt',
      'l1,x,like,a1,b1,p1,rust;wasm,2025-01-01T00:00:00Z',
      'l2,x,like,a1,,p1,,2025-01-01T00:00:00Z',
    ].join('\n');

    const result = await runSway(['--url', sway.url, 'import', '-', '--format', 'csv'], { env: env(), cwd: directory, stdin: csv });

    expect(result.exitCode).toBe(0);
    const rejectedFile = join(directory, 'sway-import.rejected.jsonl');
    expect(result.stdout).toBe(`accepted    1\nduplicates  0\nignored     0\nrejected    1 (see ${rejectedFile})\n`);
    expect(sway.state.stored.get('x:l1')).toMatchObject({ topics: ['rust', 'wasm'], target: { id: 'b1' } });
    expect(await readJsonLines(rejectedFile)).toEqual([{ line: 3, reason: 'target: a like needs a target', input: 'l2,x,like,a1,,p1,,2025-01-01T00:00:00Z' }]);
  });

  it('replaces the rejected file of an earlier run and leaves none when nothing is rejected', async () => {
    const sway = await start();
    const file = join(directory, 'clean.jsonl');
    await writeFile(file, JSON.stringify(post('c1')));
    await writeFile(`${file}.rejected.jsonl`, 'stale\n');

    const result = await runSway(['--url', sway.url, '--json', 'import', file], { env: env() });

    expect(JSON.parse(result.stdout)).toEqual({ accepted: 1, duplicates: 0, ignored: 0, rejected: 0, rejectedFile: null });
    await expect(readFile(`${file}.rejected.jsonl`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('exits 1 with the problem when the server refuses the signature', async () => {
    const sway = await start();
    const file = join(directory, 'in.jsonl');
    await writeFile(file, JSON.stringify(post('p1')));

    const result = await runSway(['--url', sway.url, 'import', file], { env: env({ SWAY_SECRET_GENERIC: 'wrong' }) });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('import stopped');
    expect(result.stderr).toContain('Unauthorized (401): x-sway-signature is missing or does not match the body.');
    expect(sway.state.stored.size).toBe(0);
  });

  it('exits 1 with a clear message when nothing listens, after retrying', async () => {
    const sway = await start();
    const { url } = sway;
    await sway.close();
    server = undefined;
    const file = join(directory, 'in.jsonl');
    await writeFile(file, JSON.stringify(post('p1')));

    const result = await runSway(['--url', url, 'import', file], { env: env() });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`could not reach ${url} (ECONNREFUSED)`);
  });

  it('exits 2 for a file that does not exist', async () => {
    const result = await runSway(['import', join(directory, 'missing.jsonl')], { env: env() });
    expect(result).toMatchObject({ exitCode: 2, stdout: '' });
    expect(result.stderr).toContain('no such file');
  });
});

describe('sway recompute', () => {
  it('starts a run and prints its id', async () => {
    const sway = await start();
    const text = await runSway(['--url', sway.url, 'recompute'], { env: env() });
    expect(text).toMatchObject({ exitCode: 0, stdout: 'recompute started: run run-1\n' });
    const json = await runSway(['--url', sway.url, 'recompute', '--json'], { env: env() });
    expect(JSON.parse(json.stdout)).toEqual({ runId: 'run-1' });
  });

  it('with --wait, waits for the queue to drain, then for the run, and prints its summary', async () => {
    const sway = await start({ pending: 3, runningPolls: 2 });

    const result = await runSway(['--url', sway.url, 'recompute', '--wait'], { env: env() });

    expect(result.exitCode).toBe(0);
    expect(sway.state.recomputeStartedWithPending).toBe(0);
    expect(sway.state.runPolls).toBe(3);
    expect(result.stdout).toContain('status      succeeded');
    expect(result.stdout).toContain('duration    12.5 s');
    expect(result.stderr).toContain('waiting for the queue to drain (3 pending)');
  });

  it('exits 1 when the run fails, with the run document under --json', async () => {
    const sway = await start({ runOutcome: 'failed' });
    const result = await runSway(['--url', sway.url, '--json', 'recompute', '--wait'], { env: env() });
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ runId: 'run-1', status: 'failed', error: 'the table was unreachable' });
    expect(result.stderr).toBe('');
  });

  it('exits 1 when the queue does not drain in time', async () => {
    const sway = await start({ pending: 1_000_000 });
    const result = await runSway(['--url', sway.url, 'recompute', '--wait', '--timeout', '1'], { env: env() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('timed out after 1 s waiting for the queue to drain');
    expect(sway.state.recomputeStartedWithPending).toBeUndefined();
  });
});

describe('sway score', () => {
  it('prints the score and topic table, sending the API key', async () => {
    const sway = await start();
    const result = await runSway(['--url', sway.url, 'score', 'x:alice'], { env: { SWAY_API_KEY: 'k1' } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('alice (x:42)');
    expect(result.stdout).toContain('rust    91.2     1');
    expect(sway.state.requests[0]?.headers['x-api-key']).toBe('k1');
  });

  it('prints one topic with --topic, and fails for a topic without a score', async () => {
    const sway = await start();
    const one = await runSway(['--url', sway.url, 'score', 'x:alice', '--topic', 'wasm']);
    expect(one.stdout).toContain('wasm    55.0    12');
    expect(one.stdout).not.toContain('rust');
    const json = await runSway(['--url', sway.url, 'score', 'x:alice', '--topic', 'wasm', '--json']);
    expect(JSON.parse(json.stdout).topics).toEqual([{ topic: 'wasm', score: 55, rank: 12 }]);
    const none = await runSway(['--url', sway.url, 'score', 'x:alice', '--topic', 'go']);
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toBe('sway: x:alice has no score in topic go\n');
  });

  it('exits 1 with "not found" for 404 and "opted out" for 410, URL-encoding the handle', async () => {
    const sway = await start();
    const missing = await runSway(['--url', sway.url, 'score', 'x:some/one']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe('sway: x:some/one not found\n  Not Found (404): Never seen.\n');
    expect(sway.state.requests[0]?.url).toBe('/v1/accounts/x/some%2Fone');
    const gone = await runSway(['--url', sway.url, 'score', 'x:gone']);
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain('x:gone opted out');
  });

  it('says explanations are not available when the server has no explain route', async () => {
    const sway = await start({ explainAvailable: false });
    const result = await runSway(['--url', sway.url, 'score', 'x:alice', '--explain']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('alice (x:42)');
    expect(result.stdout).toContain('explanations are not available on this server');
  });

  it('prints the explanation for the topic asked', async () => {
    const sway = await start({ explainAvailable: true });
    const text = await runSway(['--url', sway.url, 'score', 'x:alice', '--topic', 'rust', '--explain']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/factors:\n\s+name\s+contribution\n\s+engagement\s+0\.75/);
    expect(sway.state.requests.at(-1)?.url).toBe('/v1/accounts/x/alice/explain?topic=rust');
    const json = await runSway(['--url', sway.url, '--json', 'score', 'x:alice', '--explain']);
    expect(JSON.parse(json.stdout)).toMatchObject({ handle: 'alice', explanation: { factors: [{ name: 'engagement' }, { name: 'reach' }] } });
  });
});

describe('sway leaderboard, forget and stats', () => {
  it('prints a topic leaderboard with the next cursor, or the raw page with --json', async () => {
    const sway = await start();
    const text = await runSway(['--url', sway.url, 'leaderboard', 'rust', '--limit', '1', '--network', 'x']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('   1   91.2  x        alice');
    expect(text.stdout).toContain('next page: --cursor page-2');
    expect(sway.state.requests[0]?.url).toBe('/v1/topics/rust/leaderboard?limit=1&network=x');
    const json = await runSway(['--url', sway.url, 'leaderboard', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ items: [{ rank: 1 }, { rank: 2, handle: null }], nextCursor: null });
    expect(sway.state.requests[1]?.url).toBe('/v1/leaderboard');
  });

  it('forgets an account with the admin token', async () => {
    const sway = await start();
    const result = await runSway(['--url', sway.url, '--json', 'forget', 'x:42'], { env: env() });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ network: 'x', id: '42', accepted: true, status: 202 });
    expect(sway.state.forgotten).toEqual(['/v1/accounts/x/42']);
  });

  it('prints the stats, and exits 1 with the problem for a wrong token', async () => {
    const sway = await start();
    const stats = await runSway(['--url', sway.url, 'stats'], { env: env() });
    expect(stats.exitCode).toBe(0);
    expect(stats.stdout).toContain('dead letters  0');
    expect(stats.stdout).toContain('last run      none yet');
    const refused = await runSway(['--url', sway.url, 'stats'], { env: env({ SWAY_ADMIN_TOKEN: 'wrong' }) });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toBe('sway: Unauthorized (401): admin token required\n');
  });
});
