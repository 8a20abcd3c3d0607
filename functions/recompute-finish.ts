import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '../lib/adapters/observability';
import { runFinishUnit } from '../lib/app/recompute/finish-unit';
import { unitHandler } from '../lib/app/recompute/unit-handler';
import { FinishInputSchema } from '../lib/app/recompute/units';
import { stores, objectStore, type Dependencies } from '../lib/wiring/dependencies';

/** The last unit of a run: account items, the topic list, the commit of its state, purges, the run's summary. */
export const createHandler = ({ stores, objectStore }: Pick<Dependencies, 'stores' | 'objectStore'>) =>
  unitHandler(async (event) => {
    const run = await runFinishUnit(FinishInputSchema.parse(event), { objects: objectStore(), ...stores() });
    metrics.addMetric('RecomputeSeconds', MetricUnit.Seconds, (Date.parse(run.finishedAt ?? run.startedAt) - Date.parse(run.startedAt)) / 1000);
    metrics.addMetric('ScoredAccounts', MetricUnit.Count, run.accounts);
    return run;
  });

export const handler = createHandler({ stores, objectStore });
