import { describe, expect, it } from 'vitest';
import { CommandFailedError, SetupError, UsageError } from '../../../cli/errors';
import { ConnectionError, ProblemError, UnexpectedResponseError } from '../../../cli/http-client';
import { describeFailure, EXIT_FAILED, EXIT_USAGE } from '../../../cli/main';
import { runSway } from './run-sway';

describe('describeFailure', () => {
  it('bad usage: exit 2 with the usage of the command', () => {
    const { exitCode, text } = describeFailure(new UsageError('missing FILE', 'import'));
    expect(exitCode).toBe(EXIT_USAGE);
    expect(text).toMatch(/^sway: missing FILE\n\nUsage: sway import FILE/);
  });

  it('bad setup: exit 2 with the message alone', () => {
    expect(describeFailure(new SetupError('SWAY_SECRET_GENERIC is not set'))).toEqual({
      exitCode: EXIT_USAGE,
      text: 'sway: SWAY_SECRET_GENERIC is not set\n',
    });
  });

  it("a failed request: exit 1 with the problem's title, detail and errors", () => {
    const problem = new ProblemError(422, 'Unprocessable Content', '2 invalid', '/problems/x', [
      { index: 3, reason: 'id: too short' },
      { path: 'interactions', reason: 'too many' },
    ]);
    expect(describeFailure(problem)).toEqual({
      exitCode: EXIT_FAILED,
      text: 'sway: Unprocessable Content (422): 2 invalid\n  - item 3: id: too short\n  - interactions: too many\n',
    });
  });

  it('a command failure names what failed, then its cause', () => {
    const cause = new ProblemError(404, 'Not Found', 'Never seen.', '/problems/not-found');
    expect(describeFailure(new CommandFailedError('x:alice not found', { cause })).text).toBe('sway: x:alice not found\n  Not Found (404): Never seen.\n');
  });

  it('no connection, an off-contract answer, a bug: exit 1', () => {
    const refused = describeFailure(new ConnectionError('http://localhost:3000', 'ECONNREFUSED'));
    expect(refused.exitCode).toBe(EXIT_FAILED);
    expect(refused.text).toContain('could not reach http://localhost:3000 (ECONNREFUSED)');
    expect(describeFailure(new UnexpectedResponseError('odd body')).text).toBe('sway: odd body\n');
    expect(describeFailure(new TypeError('x is undefined'))).toEqual({ exitCode: EXIT_FAILED, text: 'sway: unexpected error: x is undefined\n' });
  });

  it('keeps control characters in server text off the terminal', () => {
    expect(describeFailure(new ProblemError(400, 'Bad\u001b[2J', 'detail', undefined)).text).not.toContain('\u001b');
  });
});

describe('runCli', () => {
  it('prints the usage on stdout for --help and exits 0', async () => {
    const result = await runSway(['--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Usage: sway');
    expect(result.stderr).toBe('');
  });

  it('exits 2 with the usage on stderr, nothing on stdout, for bad usage', async () => {
    const result = await runSway(['leaderboard', '--limit', 'lots']);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^sway: --limit must be a whole number from 1 to 100\n\nUsage: sway leaderboard/);
  });

  it('exits 2 when a secret or token it needs is not set', async () => {
    const importing = await runSway(['import', 'whatever.jsonl']);
    expect(importing).toMatchObject({ exitCode: 2, stdout: '' });
    expect(importing.stderr).toContain('SWAY_SECRET_GENERIC is not set');
    const stats = await runSway(['stats']);
    expect(stats.exitCode).toBe(2);
    expect(stats.stderr).toContain('SWAY_ADMIN_TOKEN is not set');
  });
});
