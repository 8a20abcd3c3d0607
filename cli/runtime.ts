/** Everything a command touches outside itself, so tests can run commands in-process. */
export interface CliRuntime {
  env: Record<string, string | undefined>;
  cwd: string;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  fetch: typeof fetch;
  timing: Timing;
}

export interface Timing {
  /** Between two polls of `recompute --wait`. */
  pollIntervalMs: number;
  /** First delay of the exponential backoff of `import` retries. */
  retryBaseDelayMs: number;
  /** A request that has not answered by then counts as a connection failure. */
  requestTimeoutMs: number;
}

export const defaultTiming: Timing = { pollIntervalMs: 1000, retryBaseDelayMs: 250, requestTimeoutMs: 30_000 };

export const processRuntime = (): CliRuntime => ({
  env: process.env,
  cwd: process.cwd(),
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  fetch: globalThis.fetch,
  timing: defaultTiming,
});

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
