import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '../lib/adapters/observability';
import { runPrepareUnit } from '../lib/app/recompute/prepare-unit';
import { unitHandler } from '../lib/app/recompute/unit-handler';
import { PrepareInputSchema } from '../lib/app/recompute/units';
import { stores, objectStore, type Dependencies } from '../lib/wiring/dependencies';

/** The first unit of a run: its lock, the log read since the last run, the topics to score. */
export const createHandler = ({ stores, objectStore }: Pick<Dependencies, 'stores' | 'objectStore'>) =>
  unitHandler(async (event) => {
    const output = await runPrepareUnit(PrepareInputSchema.parse(event), { objects: objectStore(), ...stores() });
    metrics.addMetric('RecomputeTopics', MetricUnit.Count, output.topicCount);
    return output;
  });

export const handler = createHandler({ stores, objectStore });
