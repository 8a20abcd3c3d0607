import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotFoundError, OptedOutError } from '../../lib/domain/errors';
import { httpHandler } from '../../lib/adapters/http/handler';
import { type HttpProblem, problems } from '../../lib/adapters/http/problem';
import { json } from '../../lib/adapters/http/request';

const event = (headers: Record<string, string> = {}): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'GET /x',
    rawPath: '/x',
    rawQueryString: '',
    headers,
    requestContext: { http: { method: 'GET' } },
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2;
const context = { functionName: 'test', awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 } as unknown as Context;

describe('httpHandler', () => {
  it('answers a thrown problem as problem+json', async () => {
    const handler = httpHandler(async () => {
      throw problems.notFound('No such thing.');
    });
    const response = await handler(event(), context);
    expect(response.statusCode).toBe(404);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(String(response.body))).toEqual({ type: '/problems/not-found', title: 'Not Found', status: 404, detail: 'No such thing.' });
  });

  // The use cases throw domain errors (lib/domain/errors.ts); each is answered byte for byte as the problem they threw before.
  it.each<[string, Error, HttpProblem]>([
    [
      'a cursor never given out',
      new InvalidInputError('The cursor is not one this API gave out.'),
      problems.badRequest('The cursor is not one this API gave out.'),
    ],
    [
      'an expired cursor',
      new InvalidInputError('The cursor has expired: the board was recomputed twice since. Start again from the first page.'),
      problems.badRequest('The cursor has expired: the board was recomputed twice since. Start again from the first page.'),
    ],
    ['an account never seen', new NotFoundError('No account bluesky:ana has been seen.'), problems.notFound('No account bluesky:ana has been seen.')],
    ['a profile never created', new NotFoundError('No profile p1.'), problems.notFound('No profile p1.')],
    ['an account that opted out', new OptedOutError('bluesky:ana opted out of Sway.'), problems.gone('bluesky:ana opted out of Sway.')],
  ])('answers a domain error as its problem: %s', async (_, error, problem) => {
    const handler = httpHandler(
      async () => {
        throw error;
      },
      { cacheable: true },
    );
    const response = await handler(event(), context);
    expect(response).toEqual(problem.toResponse());
    expect(response.body).toBe(problem.toResponse().body);
  });

  it('maps each domain error to its status and title', async () => {
    const answer = async (error: Error) => {
      const response = await httpHandler(async () => {
        throw error;
      })(event(), context);
      return { status: response.statusCode, ...JSON.parse(String(response.body)) };
    };
    expect(await answer(new InvalidInputError('bad'))).toEqual({ status: 400, type: '/problems/bad-request', title: 'Bad Request', detail: 'bad' });
    expect(await answer(new NotFoundError('none'))).toEqual({ status: 404, type: '/problems/not-found', title: 'Not Found', detail: 'none' });
    expect(await answer(new OptedOutError('gone'))).toEqual({ status: 410, type: '/problems/gone', title: 'Gone', detail: 'gone' });
  });

  it('answers an unexpected error with a bare 500 that leaks nothing', async () => {
    const handler = httpHandler(async () => {
      throw new Error('ResourceNotFoundException: table sway-prod-Table123 secret=hunter2');
    });
    const response = await handler(event(), context);
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toMatch(/Table123|hunter2|at .*\.ts/);
    expect(JSON.parse(String(response.body)).title).toBe('Internal Server Error');
  });

  it('adds an ETag to cacheable answers and answers a matching If-None-Match with 304', async () => {
    const handler = httpHandler(async () => json(200, { score: 42 }), { cacheable: true });
    const first = await handler(event(), context);
    const etag = String(first.headers?.etag);
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers?.['cache-control']).toMatch(/max-age=\d+/);
    const second = await handler(event({ 'if-none-match': etag }), context);
    expect(second.statusCode).toBe(304);
    expect(second.body).toBe('');
    const changed = await handler(event({ 'if-none-match': '"other"' }), context);
    expect(changed.statusCode).toBe(200);
  });
});
