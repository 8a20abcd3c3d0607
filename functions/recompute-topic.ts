import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '../lib/adapters/observability';
import { runTopicUnit } from '../lib/app/recompute/topic-unit';
import { unitHandler } from '../lib/app/recompute/unit-handler';
import { TopicTaskSchema } from '../lib/app/recompute/units';
import { stores, objectStore, type Dependencies } from '../lib/wiring/dependencies';

/** Topics of a run (one map item): each one's window brought up to date, scored, and what changed published. */
export const createHandler = ({ stores, objectStore }: Pick<Dependencies, 'stores' | 'objectStore'>) =>
  unitHandler(async (event) => {
    const results = await runTopicUnit(TopicTaskSchema.parse(event), { objects: objectStore(), ...stores() });
    metrics.addMetric(
      'ChangedAccounts',
      MetricUnit.Count,
      results.reduce((sum, result) => sum + result.changedAccounts, 0),
    );
    return results;
  });

export const handler = createHandler({ stores, objectStore });
