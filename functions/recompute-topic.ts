import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '../lib/adapters/observability';
import { runTopicUnit } from '../lib/app/recompute/topic-unit';
import { unitHandler } from '../lib/app/recompute/unit-handler';
import { TopicTaskSchema } from '../lib/app/recompute/units';
import { objectStore, stores } from '../lib/wiring/dependencies';

/** Topics of a run (one map item): each one's window brought up to date, scored, and what changed published. */
export const handler = unitHandler(async (event) => {
  const results = await runTopicUnit(TopicTaskSchema.parse(event), { objects: objectStore(), ...stores() });
  metrics.addMetric(
    'ChangedAccounts',
    MetricUnit.Count,
    results.reduce((sum, result) => sum + result.changedAccounts, 0),
  );
  return results;
});
