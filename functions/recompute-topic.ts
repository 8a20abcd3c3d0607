import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '../lib/observability';
import { runTopicUnit } from '../lib/recompute/topic-unit';
import { unitHandler } from '../lib/recompute/unit-handler';
import { TopicTaskSchema } from '../lib/recompute/units';
import { objectStore, stores } from '../lib/runtime/dependencies';

/** One topic of a run: its window brought up to date, scored, and what changed published. */
export const handler = unitHandler(async (event) => {
  const result = await runTopicUnit(TopicTaskSchema.parse(event), { objects: objectStore(), ...stores() });
  metrics.addMetric('ChangedAccounts', MetricUnit.Count, result.changedAccounts);
  return result;
});
