import { createHash } from 'node:crypto';
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { InvalidInputError, NotFoundError, OptedOutError } from '../../domain/errors';
import { logger } from '../observability';
import { HttpProblem, problems } from './problem';
import { header } from './request';

type HttpMiddleware = middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

/** The problem a use case's domain error (`lib/domain/errors.ts`) is answered with, if it is one. */
const problemOf = (error: unknown): HttpProblem | undefined => {
  if (error instanceof HttpProblem) return error;
  if (error instanceof InvalidInputError) return problems.badRequest(error.detail);
  if (error instanceof NotFoundError) return problems.notFound(error.detail);
  if (error instanceof OptedOutError) return problems.gone(error.detail);
  return undefined;
};

/**
 * Every error leaves as problem+json. A problem, or a domain error the use cases throw, is answered
 * as its problem; anything else is logged and answered with a bare 500 that names no table, secret
 * or stack frame.
 */
export const problemResponses = (): HttpMiddleware => ({
  onError: async (request) => {
    const problem = problemOf(request.error);
    if (problem) {
      request.response = problem.toResponse();
      return;
    }
    logger.error('unhandled error', request.error as Error);
    request.response = problems.internal().toResponse();
  },
});

/** Lookups: an ETag over the body, a short public cache lifetime, and 304 for a matching If-None-Match. */
export const conditionalGet = ({ maxAgeSeconds = 30 } = {}): HttpMiddleware => ({
  after: async (request) => {
    const response = request.response;
    if (response?.statusCode !== 200 || typeof response.body !== 'string') return;
    const etag = `"${createHash('sha1').update(response.body).digest('base64url')}"`;
    const headers = { ...response.headers, etag, 'cache-control': `public, max-age=${maxAgeSeconds}` };
    const ifNoneMatch = header(request.event, 'if-none-match');
    const matches = ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
    request.response = matches ? { statusCode: 304, headers, body: '' } : { ...response, headers };
  },
});
