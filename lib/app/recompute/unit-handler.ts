/**
 * A recompute unit as a Lambda handler (middy + Powertools): the unit's function, given the event,
 * run with the process's logger, metrics and tracer. Each function in functions/ wraps only its own
 * unit, so a unit that needs no DuckDB does not bundle it.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { logger, metrics, tracer } from '../../adapters/observability';
import { objectStore } from '../../wiring/dependencies';

/** Copies of log objects a unit downloaded go when it ends: a warm function must not fill its /tmp run after run. */
export const unitHandler = <Output>(unit: (event: unknown) => Promise<Output>) =>
  middy(async (event: unknown) => {
    try {
      return await unit(event);
    } finally {
      await objectStore().releaseLocalCopies();
    }
  })
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
