import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpProblem, problems } from '../../lib/http/problem';
import { sameSecret } from '../../lib/http/signature';

/** Lookups one API key may make per second before it gets 429 (SWAY_API_KEY_RATE). */
export const DEFAULT_API_KEY_RATE = 50;

export type ApiKeyGuard = (givenKey: string | undefined) => Promise<HttpProblem | null>;

/**
 * What an API Gateway usage plan does for lookups: only the listed keys get in (401 otherwise),
 * and each key is held to `ratePerSecond` (429 with Retry-After once over it). No keys: open.
 */
export const createApiKeyGuard = (keys: string[], ratePerSecond = DEFAULT_API_KEY_RATE): ApiKeyGuard => {
  if (keys.length === 0) return async () => null;
  const limiter = new RateLimiterMemory({ points: ratePerSecond, duration: 1 });
  return async (givenKey) => {
    const key = keys.find((accepted) => sameSecret(givenKey ?? '', accepted));
    if (key === undefined) return problems.unauthorized('Lookups need a valid x-api-key.');
    try {
      await limiter.consume(key);
      return null;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      return problems.tooManyRequests(
        `This API key is over its rate of ${ratePerSecond} lookups per second; retry after ${retryAfterSeconds} s.`,
        retryAfterSeconds,
      );
    }
  };
};
