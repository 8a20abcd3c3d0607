import { ConnectionError, ProblemError } from './http-client';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const MAX_RETRY_AFTER_MS = 60_000;

/** Worth another try: the server is overloaded or briefly broken, or did not answer. */
export const isRetryable = (error: unknown): boolean =>
  error instanceof ConnectionError || (error instanceof ProblemError && (error.status === 429 || error.status >= 500));

/**
 * Delay before retry number `retry` (0 for the first retry): the server's Retry-After when it
 * gave one (within reason), else exponential backoff with jitter so concurrent batches do not
 * retry in step.
 */
export const backoffDelayMs = (retry: number, policy: RetryPolicy, retryAfterSeconds?: number, random = Math.random): number => {
  if (retryAfterSeconds !== undefined) return Math.min(retryAfterSeconds * 1000, MAX_RETRY_AFTER_MS);
  const ceiling = Math.min(policy.baseDelayMs * 2 ** retry, policy.maxDelayMs);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
};

export const withRetries = async <T>(attempt: () => Promise<T>, policy: RetryPolicy, sleep: (ms: number) => Promise<void>): Promise<T> => {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetryable(error) || retry + 1 >= policy.attempts) throw error;
      const retryAfter = error instanceof ProblemError ? error.retryAfterSeconds : undefined;
      await sleep(backoffDelayMs(retry, policy, retryAfter));
    }
  }
};
