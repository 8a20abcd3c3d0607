import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/request';
import { newRun } from '../lib/recompute/run-recompute';
import { messageQueue, swayStore } from '../lib/runtime/dependencies';
import { queues } from '../lib/workers';

/** Records the run and queues it; the recompute function picks it up as soon as no other run holds the lock. */
export const handler = httpHandler(async () => {
  const run = newRun('api');
  await swayStore().putRun(run);
  await messageQueue().send(queues.recomputeRequests.name, [JSON.stringify({ runId: run.runId })]);
  return json(202, { runId: run.runId }, { location: `/v1/admin/runs/${run.runId}` });
});
