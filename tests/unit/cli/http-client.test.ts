import { describe, expect, it } from 'vitest';
import { ConnectionError, parseRetryAfter, ProblemError, problemFromResponse, SwayHttpClient } from '../../../cli/http-client';
import { backoffDelayMs, isRetryable, withRetries } from '../../../cli/retry';

describe('problemFromResponse', () => {
  it('reads an RFC 9457 problem with its errors', () => {
    const body = JSON.stringify({
      type: '/problems/unprocessable-content',
      title: 'Unprocessable Content',
      status: 422,
      detail: '1 of the interactions are invalid; nothing was stored.',
      errors: [{ index: 0, reason: 'id: too short' }],
    });
    const problem = problemFromResponse(422, 'Unprocessable Entity', body, null);
    expect(problem).toMatchObject({
      status: 422,
      title: 'Unprocessable Content',
      detail: '1 of the interactions are invalid; nothing was stored.',
      problemType: '/problems/unprocessable-content',
      errors: [{ index: 0, reason: 'id: too short' }],
    });
  });

  it("makes do with API Gateway's {message} and with non-JSON bodies", () => {
    expect(problemFromResponse(404, 'Not Found', '{"message":"Not Found"}', null)).toMatchObject({
      title: 'Not Found',
      detail: 'Not Found',
      problemType: undefined,
    });
    expect(problemFromResponse(502, 'Bad Gateway', '<html>\n<body>bad</body>', null)).toMatchObject({ title: 'Bad Gateway', detail: '<html>' });
    expect(problemFromResponse(500, '', '', null)).toMatchObject({ title: 'HTTP 500', detail: 'The server answered 500.' });
  });

  it('carries Retry-After', () => {
    expect(problemFromResponse(429, 'Too Many Requests', '', '7').retryAfterSeconds).toBe(7);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('SwayHttpClient.url', () => {
  const client = new SwayHttpClient({
    baseUrl: 'https://api.example.com/prod/',
    fetch: globalThis.fetch,
    timeoutMs: 1000,
    authorizeAdmin: () => Promise.resolve({}),
  });

  it('keeps the base path and leaves out unset query parameters', () => {
    expect(client.url('/v1/leaderboard', { limit: 5, cursor: undefined, network: 'x y' })).toBe(
      'https://api.example.com/prod/v1/leaderboard?limit=5&network=x+y',
    );
  });
});

describe('retries', () => {
  const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

  it('retry overload, server errors and lost connections, nothing else', () => {
    expect(isRetryable(new ProblemError(429, 'Too Many Requests', '', undefined))).toBe(true);
    expect(isRetryable(new ProblemError(503, 'Service Unavailable', '', undefined))).toBe(true);
    expect(isRetryable(new ConnectionError('http://localhost:3000', 'ECONNREFUSED'))).toBe(true);
    expect(isRetryable(new ProblemError(401, 'Unauthorized', '', undefined))).toBe(false);
    expect(isRetryable(new ProblemError(422, 'Unprocessable Content', '', undefined))).toBe(false);
    expect(isRetryable(new Error('bug'))).toBe(false);
  });

  it('back off exponentially within bounds, or as long as Retry-After says', () => {
    expect(backoffDelayMs(0, policy, undefined, () => 0)).toBe(50);
    expect(backoffDelayMs(0, policy, undefined, () => 1)).toBe(100);
    expect(backoffDelayMs(2, policy, undefined, () => 1)).toBe(400);
    expect(backoffDelayMs(10, policy, undefined, () => 1)).toBe(1000);
    expect(backoffDelayMs(0, policy, 3)).toBe(3000);
  });

  it('try again until it works or the attempts run out', async () => {
    const delays: number[] = [];
    const sleep = async (ms: number) => void delays.push(ms);
    let calls = 0;
    const result = await withRetries(
      async () => {
        if (++calls < 3) throw new ProblemError(503, 'Service Unavailable', '', undefined);
        return 'done';
      },
      policy,
      sleep,
    );
    expect(result).toBe('done');
    expect(delays).toHaveLength(2);

    calls = 0;
    await expect(withRetries(() => Promise.reject(new ConnectionError('o', 'ECONNRESET')), policy, sleep)).rejects.toBeInstanceOf(ConnectionError);
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new ProblemError(400, 'Bad Request', '', undefined);
        },
        policy,
        sleep,
      ),
    ).rejects.toMatchObject({ status: 400 });
    expect(calls).toBe(1);
  });
});
