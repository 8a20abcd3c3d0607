import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics } from '../lib/adapters/observability';
import { runFailedUnit } from '../lib/app/recompute/failed-unit';
import { unitHandler } from '../lib/app/recompute/unit-handler';
import { FailedInputSchema } from '../lib/app/recompute/units';
import { stores, objectStore, type Dependencies } from '../lib/wiring/dependencies';

/** A run that failed, timed out or was aborted: marked failed, its lock released, what it never committed deleted. */
export const createHandler = ({ stores, objectStore }: Pick<Dependencies, 'stores' | 'objectStore'>) =>
  unitHandler(async (event) => {
    const input = FailedInputSchema.parse(event);
    logger.error('recompute run failed', { runId: input.runId, error: input.error });
    metrics.addMetric('RecomputeFailed', MetricUnit.Count, 1);
    return runFailedUnit(input, { objects: objectStore(), ...stores() });
  });

export const handler = createHandler({ stores, objectStore });
