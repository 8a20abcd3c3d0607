/**
 * A recompute requested through the API while another run holds the lock (a scheduled run, or one
 * that died holding it) is not lost: its request comes back until the lock is free, and the run
 * then completes, so `sway recompute --wait` does not wait forever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queues } from '../../lib/wiring/workers';
import { startInProcessSway, type InProcessSway } from '../support/in-process-sway';
import { interaction } from '../support/interactions';
import { waitFor } from '../support/wait-for';

let sway: InProcessSway;
beforeAll(async () => {
  sway = await startInProcessSway();
  await sway.startConsumers();
});
afterAll(async () => {
  await sway?.stopConsumers();
});

describe('a requested recompute while the lock is held', () => {
  it('runs once the holder lets go, instead of going to the dead letters', async () => {
    expect((await sway.ingest(JSON.stringify({ interactions: [interaction({ type: 'like', topics: ['physics'] })] }))).status).toBe(202);
    await sway.drained();
    expect(await sway.stores.runs.acquireRunLock('another-run', 60_000)).toBe(true);

    const started = await sway.admin('POST', '/v1/admin/recompute');
    expect(started.status).toBe(202);
    const { runId } = JSON.parse(started.body) as { runId: string };
    // The request meets the held lock on several receives (local back-offs 0.5 s, 1 s, 2 s, …) and
    // is put back each time; with the old limit of 3 receives it was dead-lettered by now.
    await waitFor('the request to meet the lock three times', async () => (sway.failedDeliveries.redelivered >= 3 ? true : undefined), 30_000);
    const run = async () => JSON.parse((await sway.admin('GET', `/v1/admin/runs/${runId}`)).body) as { status: string; accounts: number };
    expect((await run()).status).toBe('running');
    expect(await sway.queue.deadLetters(queues.recomputeRequests.name)).toEqual([]);
    await sway.stores.runs.releaseRunLock('another-run');

    const finished = await waitFor('the run to finish', async () => {
      const now = await run();
      return now.status === 'running' ? undefined : now;
    });
    expect(finished).toMatchObject({ status: 'succeeded', accounts: 2 });
    expect(await sway.queue.deadLetters(queues.recomputeRequests.name)).toEqual([]);
  }, 90_000);
});
