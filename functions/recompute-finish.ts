import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '../lib/adapters/observability';
import { runFinishUnit } from '../lib/app/recompute/finish-unit';
import { unitHandler } from '../lib/app/recompute/unit-handler';
import { FinishInputSchema } from '../lib/app/recompute/units';
import { objectStore, stores } from '../lib/wiring/dependencies';

/** The last unit of a run: account items, the topic list, the commit of its state, purges, the run's summary. */
export const handler = unitHandler(async (event) => {
  const run = await runFinishUnit(FinishInputSchema.parse(event), { objects: objectStore(), ...stores() });
  metrics.addMetric('RecomputeSeconds', MetricUnit.Seconds, (Date.parse(run.finishedAt ?? run.startedAt) - Date.parse(run.startedAt)) / 1000);
  metrics.addMetric('ScoredAccounts', MetricUnit.Count, run.accounts);
  return run;
});
