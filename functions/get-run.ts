import { RunPathSchema, type Run } from '../lib/app/api/schemas';
import { httpHandler } from '../lib/adapters/http/handler';
import { problems } from '../lib/adapters/http/problem';
import { json, pathParameters } from '../lib/adapters/http/request';
import { executionStatus } from '../lib/app/recompute/execution-status';
import { stores, settings, type Dependencies } from '../lib/wiring/dependencies';

/**
 * A run as recorded; in AWS, while the record says `running`, its status comes from its
 * execution, so a run whose execution died is never reported running.
 */
export const createHandler = ({ stores, settings }: Pick<Dependencies, 'stores' | 'settings'>) =>
  httpHandler(async (event) => {
    const { runId } = pathParameters(event, RunPathSchema);
    const run = await stores().runs.run(runId);
    if (!run) throw problems.notFound(`There is no run ${runId}.`);
    const stateMachineArn = settings().stateMachineArn;
    if (run.status !== 'running' || !stateMachineArn) return json(200, run);
    const status = await executionStatus(stateMachineArn, runId);
    const body: Run = status === 'failed' ? { ...run, status: 'failed', error: run.error ?? 'the run’s execution failed' } : run;
    return json(200, body);
  });

export const handler = createHandler({ stores, settings });
