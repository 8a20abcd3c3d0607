import { sigV4Authorizer } from './aws-signing';
import { parseCommandLine, usage, type Command } from './command-line';
import { bearerAuthorizer } from './credentials';
import type { CommandContext } from './command-context';
import { runFind } from './commands/find';
import { runForget } from './commands/forget';
import { runImport } from './commands/import';
import { runLeaderboard } from './commands/leaderboard';
import { runRecompute } from './commands/recompute';
import { runRedrive } from './commands/redrive';
import { runScore } from './commands/score';
import { runStats } from './commands/stats';
import { CommandFailedError, SetupError, UsageError } from './errors';
import { printable } from './format/table';
import { ConnectionError, ProblemError, SwayHttpClient, UnexpectedResponseError } from './http-client';
import { processRuntime, type CliRuntime } from './runtime';
import { apiUrlFromOutputs, isOutputsFile } from './stack-outputs';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const MAX_PROBLEM_ERRORS_SHOWN = 10;

const runCommand = (command: Command, context: CommandContext): Promise<number> => {
  switch (command.name) {
    case 'import':
      return runImport(command, context);
    case 'recompute':
      return runRecompute(command, context);
    case 'score':
      return runScore(command, context);
    case 'leaderboard':
      return runLeaderboard(command, context);
    case 'find':
      return runFind(command, context);
    case 'forget':
      return runForget(command, context);
    case 'stats':
      return runStats(context);
    case 'redrive':
      return runRedrive(command, context);
  }
};

const problemErrorLine = (entry: Record<string, unknown>): string => {
  const where = typeof entry.index === 'number' ? `item ${entry.index}` : typeof entry.path === 'string' && entry.path ? entry.path : undefined;
  const reason = typeof entry.reason === 'string' ? entry.reason : JSON.stringify(entry);
  return where ? `${where}: ${reason}` : reason;
};

/** The lines that explain an error below the `sway:` line. */
const explanationLines = (error: unknown): string[] => {
  if (error instanceof ProblemError) {
    const shown = error.errors.slice(0, MAX_PROBLEM_ERRORS_SHOWN).map((entry) => `  - ${problemErrorLine(entry)}`);
    const more = error.errors.length - shown.length;
    return [`${error.title} (${error.status}): ${error.detail}`, ...shown, ...(more > 0 ? [`  … and ${more} more`] : [])];
  }
  if (error instanceof ConnectionError) {
    return [`could not reach ${error.origin} (${error.reason}): is Sway running there? Start it with \`npm start\`, or point --url or SWAY_URL at it.`];
  }
  return [error instanceof Error ? error.message : String(error)];
};

/** What to print on stderr for an error, and the exit code it means. */
export const describeFailure = (error: unknown): { exitCode: number; text: string } => {
  if (error instanceof UsageError) return { exitCode: EXIT_USAGE, text: `sway: ${error.message}\n\n${usage(error.command)}` };
  if (error instanceof SetupError) return { exitCode: EXIT_USAGE, text: `sway: ${error.message}\n` };
  const lines =
    error instanceof CommandFailedError
      ? [error.message, ...(error.cause === undefined ? [] : explanationLines(error.cause).map((line) => `  ${line}`))]
      : error instanceof ProblemError || error instanceof ConnectionError || error instanceof UnexpectedResponseError
        ? explanationLines(error)
        : [`unexpected error: ${explanationLines(error).join('\n')}`];
  return { exitCode: EXIT_FAILED, text: `sway: ${lines.map(printable).join('\n')}\n` };
};

/** Runs `sway` with its arguments (without `node` and the script); resolves with the exit code. */
export const runCli = async (argv: string[], runtime: CliRuntime = processRuntime()): Promise<number> => {
  try {
    const commandLine = parseCommandLine(argv, runtime.env);
    if (commandLine.kind === 'help') {
      runtime.stdout.write(usage(commandLine.command));
      return EXIT_OK;
    }
    const { options, command } = commandLine;
    const baseUrl = isOutputsFile(options.url) ? apiUrlFromOutputs(options.url, runtime.cwd) : options.url;
    // Against AWS the admin routes take IAM authorization, never the local bearer token.
    const iam = options.iam || new URL(baseUrl).hostname.endsWith('.amazonaws.com');
    const client = new SwayHttpClient({
      baseUrl,
      fetch: runtime.fetch,
      timeoutMs: runtime.timing.requestTimeoutMs,
      authorizeAdmin: iam ? sigV4Authorizer(runtime.env) : bearerAuthorizer(runtime.env),
    });
    return await runCommand(command, { runtime, client, json: options.json });
  } catch (error) {
    const { exitCode, text } = describeFailure(error);
    runtime.stderr.write(text);
    return exitCode;
  }
};
