import { RunSchema, StartedRunSchema, StatsSchema } from '../../lib/app/api/schemas';
import type { Command } from '../command-line';
import { printJson, printText, segment, type CommandContext } from '../command-context';
import { CommandFailedError } from '../errors';
import { formatRunSummary } from '../format/run';
import { withRetries } from '../retry';
import { sleep } from '../runtime';

/** Polls `check` until it yields a value or the deadline passes; a poll that fails transiently is retried. */
export const pollUntil = async <T>(
  check: () => Promise<T | undefined>,
  options: { deadline: number; intervalMs: number; what: string; timeoutSeconds: number; retryBaseDelayMs: number },
): Promise<T> => {
  const retryPolicy = { attempts: 4, baseDelayMs: options.retryBaseDelayMs, maxDelayMs: options.intervalMs * 4 };
  for (;;) {
    const value = await withRetries(check, retryPolicy, sleep);
    if (value !== undefined) return value;
    const remaining = options.deadline - Date.now();
    if (remaining <= 0) throw new CommandFailedError(`timed out after ${options.timeoutSeconds} s waiting for ${options.what}`);
    await sleep(Math.min(options.intervalMs, remaining));
  }
};

export const runRecompute = async (command: Extract<Command, { name: 'recompute' }>, context: CommandContext): Promise<number> => {
  const { client, runtime } = context;
  const note = (text: string) => context.json || runtime.stderr.write(`${text}\n`);
  const pollOptions = {
    deadline: Date.now() + command.timeoutSeconds * 1000,
    intervalMs: runtime.timing.pollIntervalMs,
    timeoutSeconds: command.timeoutSeconds,
    retryBaseDelayMs: runtime.timing.retryBaseDelayMs,
  };

  if (command.wait) {
    // A recompute started before everything queued is applied would leave the latest interactions out.
    let noted = false;
    await pollUntil(
      async () => {
        const { data } = await client.json('GET', '/v1/admin/stats', StatsSchema, { admin: true });
        if (data.pending === 0) return data;
        if (!noted) note(`waiting for the queue to drain (${data.pending} pending)…`);
        noted = true;
        return undefined;
      },
      { ...pollOptions, what: 'the queue to drain' },
    );
  }
  const started = await client.json('POST', '/v1/admin/recompute', StartedRunSchema, { admin: true });
  const { runId } = started.data;
  if (!command.wait) {
    if (context.json) printJson(context, started.raw);
    else printText(context, `recompute started: run ${runId}`);
    return 0;
  }

  note(`recompute run ${runId} started, waiting for it to finish…`);
  const finished = await pollUntil(
    async () => {
      const run = await client.json('GET', `/v1/admin/runs/${segment(runId)}`, RunSchema, { admin: true });
      return run.data.status === 'running' ? undefined : run;
    },
    { ...pollOptions, what: `run ${runId} to finish` },
  );
  if (context.json) printJson(context, finished.raw);
  else printText(context, formatRunSummary(finished.data));
  return finished.data.status === 'succeeded' ? 0 : 1;
};
