import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logger, metrics, tracer } from '../observability';
import { apiKeyAccess, type ApiKeyPorts } from './api-keys';
import { conditionalGet, problemResponses } from './middleware';

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The middleware every HTTP function shares: tracing, logging, and problem+json for every error.
 * `lookup` (the function serves the route table's `lookup` routes) adds the API keys, read from
 * those ports, when keys are configured; `cacheable` adds ETag and Cache-Control; `emitsMetrics`
 * flushes the metrics the handler adds. `servesLookups` on the result says which it is
 * (tests/codebase/lookup-functions.test.ts holds it to the route table).
 */
export const httpHandler = (
  handler: HttpHandler,
  { cacheable = false, emitsMetrics = false, lookup }: { cacheable?: boolean; emitsMetrics?: boolean; lookup?: ApiKeyPorts } = {},
) => {
  const wrapped = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(handler)
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger));
  if (lookup) wrapped.use(apiKeyAccess(lookup));
  if (emitsMetrics) wrapped.use(logMetrics(metrics));
  if (cacheable) wrapped.use(conditionalGet());
  // Registered last so its onError runs first and every other middleware sees a response.
  return Object.assign(wrapped.use(problemResponses()), { servesLookups: lookup !== undefined });
};
