import { Readable, Writable } from 'node:stream';
import { runCli } from '../../../cli/main';
import type { CliRuntime } from '../../../cli/runtime';

const capture = () => {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
};

/** Runs `sway …` in-process with captured output, a given environment and fast timings. */
export const runSway = async (
  argv: string[],
  {
    env = {},
    cwd = process.cwd(),
    stdin = '',
    fetch = globalThis.fetch,
  }: { env?: Record<string, string>; cwd?: string; stdin?: string; fetch?: typeof globalThis.fetch } = {},
) => {
  const stdout = capture();
  const stderr = capture();
  const runtime: CliRuntime = {
    env,
    cwd,
    stdin: Readable.from([stdin]),
    stdout: stdout.stream,
    stderr: stderr.stream,
    fetch,
    timing: { pollIntervalMs: 5, retryBaseDelayMs: 5, requestTimeoutMs: 5000 },
  };
  const exitCode = await runCli(argv, runtime);
  return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
};
