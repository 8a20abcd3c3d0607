import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics } from '../lib/adapters/observability';
import { runFailedUnit } from '../lib/app/recompute/failed-unit';
import { unitHandler } from '../lib/app/recompute/unit-handler';
import { FailedInputSchema } from '../lib/app/recompute/units';
import { objectStore, stores } from '../lib/wiring/dependencies';

/** A run that failed, timed out or was aborted: marked failed, its lock released, what it never committed deleted. */
export const handler = unitHandler(async (event) => {
  const input = FailedInputSchema.parse(event);
  logger.error('recompute run failed', { runId: input.runId, error: input.error });
  metrics.addMetric('RecomputeFailed', MetricUnit.Count, 1);
  return runFailedUnit(input, { objects: objectStore(), ...stores() });
});
