import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logger, metrics, tracer } from '../observability';
import { apiKeyAccess } from './api-keys';
import { conditionalGet, problemResponses } from './middleware';

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The middleware every HTTP function shares: API keys on lookup routes (when configured), and
 * problem+json for every error. `cacheable` adds ETag and Cache-Control for lookups;
 * `emitsMetrics` flushes the metrics the handler adds.
 */
export const httpHandler = (handler: HttpHandler, { cacheable = false, emitsMetrics = false } = {}) => {
  const wrapped = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(handler)
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger))
    .use(apiKeyAccess());
  if (emitsMetrics) wrapped.use(logMetrics(metrics));
  if (cacheable) wrapped.use(conditionalGet());
  // Registered last so its onError runs first and every other middleware sees a response.
  return wrapped.use(problemResponses());
};
