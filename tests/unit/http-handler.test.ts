import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { httpHandler } from '../../lib/adapters/http/handler';
import { problems } from '../../lib/adapters/http/problem';
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
