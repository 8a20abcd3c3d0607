/** `sway redrive` against the loopback fake of the API: usage, the request it sends, its output and exit codes. */
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../cli/command-line';
import { UsageError } from '../../../cli/errors';
import { startFakeSway, TEST_ADMIN_TOKEN } from './fake-sway-server';
import { runSway } from './run-sway';

let server: Awaited<ReturnType<typeof startFakeSway>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const env = (token = TEST_ADMIN_TOKEN) => ({ SWAY_ADMIN_TOKEN: token });

describe('sway redrive', () => {
  it('reads an optional --queue naming one of the queues', () => {
    expect(parseCommandLine(['redrive'], {})).toMatchObject({ kind: 'run', command: { name: 'redrive', queue: undefined } });
    expect(parseCommandLine(['redrive', '--queue', 'interactions'], {})).toMatchObject({ command: { name: 'redrive', queue: 'interactions' } });
    expect(() => parseCommandLine(['redrive', '--queue', 'mail'], {})).toThrow(
      new UsageError('--queue must be interactions or recompute-requests, not "mail"', 'redrive'),
    );
    expect(() => parseCommandLine(['redrive', 'extra'], {})).toThrow(UsageError);
  });

  it('redrives every queue and says what went back and what SQS is moving', async () => {
    server = await startFakeSway();
    const result = await runSway(['--url', server.url, 'redrive'], { env: env() });
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout).toContain('interactions        3 messages moved back');
    expect(result.stdout).toContain('recompute-requests  about 1 message being moved back by SQS (task task-1)');
    expect(server.state.redriveBodies).toEqual(['']);
  });

  it('redrives one queue, and prints the answer as it is with --json', async () => {
    server = await startFakeSway();
    const result = await runSway(['--url', server.url, '--json', 'redrive', '--queue', 'interactions'], { env: env() });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ queues: [{ queue: 'interactions', status: 'moved', messages: 3 }] });
    expect(server.state.redriveBodies).toEqual(['{"queue":"interactions"}']);
  });

  it('exits 2 without the admin token, 2 on bad usage, 1 when the server refuses', async () => {
    server = await startFakeSway();
    expect(await runSway(['--url', server.url, 'redrive'])).toMatchObject({ exitCode: 2, stdout: '' });
    const usage = await runSway(['--url', server.url, 'redrive', '--queue'], { env: env() });
    expect(usage.exitCode).toBe(2);
    const refused = await runSway(['--url', server.url, 'redrive'], { env: env('wrong') });
    expect(refused).toMatchObject({ exitCode: 1, stderr: 'sway: Unauthorized (401): admin token required\n' });
    expect(server.state.redriveBodies).toEqual([]);
  });
});
