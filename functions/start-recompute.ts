import { httpHandler } from '../lib/adapters/http/handler';
import { json } from '../lib/adapters/http/request';
import { startExecution } from '../lib/app/recompute/execution-status';
import { newRun } from '../lib/app/recompute/run-record';
import { queues } from '../lib/wiring/workers';
import { stores, messageQueue, settings, type Dependencies } from '../lib/wiring/dependencies';

/**
 * Records the run and starts it: in AWS an execution of the recompute state machine named by the
 * run id; on one machine a request on the local queue, which the local orchestrator takes as soon
 * as no other run holds the lock.
 */
export const createHandler = ({ stores, messageQueue, settings }: Pick<Dependencies, 'stores' | 'messageQueue' | 'settings'>) =>
  httpHandler(async () => {
    const run = newRun('api');
    await stores().runs.putRun(run);
    const stateMachineArn = settings().stateMachineArn;
    if (stateMachineArn) await startExecution(stateMachineArn, run.runId, { trigger: 'api' });
    else await messageQueue().send(queues.recomputeRequests.name, [JSON.stringify({ runId: run.runId })]);
    return json(202, { runId: run.runId }, { location: `/v1/admin/runs/${run.runId}` });
  });

export const handler = createHandler({ stores, messageQueue, settings });
