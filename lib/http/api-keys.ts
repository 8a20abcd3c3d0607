import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { env } from '../config';
import { routeKey, routes, type RouteDefinition } from '../routes';
import { acceptedApiKeys } from '../runtime/secrets';
import { problems } from './problem';
import { header } from './request';
import { sameSecret } from './signature';

/** Lookups one API key may make per second before it gets 429 (SWAY_API_KEY_RATE). */
export const DEFAULT_API_KEY_RATE = 50;

const lookupRouteKeys = new Set((routes as readonly RouteDefinition[]).filter((route) => route.auth === 'lookup').map(routeKey));

let limiter: RateLimiterMemory | undefined;
/** One fixed one-second window per key, opened by the key's first lookup in it; per process (per Lambda instance in AWS). */
const rateLimiter = (): RateLimiterMemory => {
  limiter ??= new RateLimiterMemory({ points: Number(process.env[env.apiKeyRate]) || DEFAULT_API_KEY_RATE, duration: 1 });
  return limiter;
};

/**
 * Lookups behind API keys, when any are configured (SWAY_API_KEYS locally, the `sway/api-keys`
 * secret in AWS): 401 without a valid `x-api-key`, 429 with Retry-After once a key is over its
 * rate. Wrong keys are refused before they count. Other routes are left to their own checks.
 */
export const apiKeyAccess = (): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => ({
  before: async ({ event }) => {
    if (!lookupRouteKeys.has(event.routeKey)) return;
    const keys = await acceptedApiKeys();
    if (keys.length === 0) return;
    const given = header(event, 'x-api-key') ?? '';
    const key = keys.find((accepted) => sameSecret(given, accepted));
    if (key === undefined) throw problems.unauthorized('Lookups need a valid x-api-key.');
    try {
      await rateLimiter().consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw problems.tooManyRequests(
        `This API key is over its rate of ${rateLimiter().points} lookups per second; retry after ${retryAfterSeconds} s.`,
        retryAfterSeconds,
      );
    }
  },
});
