/**
 * The recompute's run lease (issue 11, finding 6): renewed on a timer while the run works, and a
 * run that lost it stops writing — its pointer flips are refused, so two runs never interleave.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyQueuedInteractions } from '../../lib/aggregation/apply-interactions';
import { LeaseLostError, newRun, runRecompute } from '../../lib/recompute/run-recompute';
import { boards, keys } from '../../lib/store/keys';
import { SwayStore } from '../../lib/store/sway-store';
import { engagements } from '../support/interactions';
import { isolatedTables } from '../support/isolated-tables';
import { pausingAt } from '../support/pausing-ports';

let store: SwayStore;
let steal: (runId: string) => Promise<void>;

beforeEach(async () => {
  const { db, mainTable } = await isolatedTables();
  store = new SwayStore(db, mainTable);
  // What another run does once this one's lease has run out: it takes the lock.
  steal = async (runId) => {
    await db.send(new PutCommand({ TableName: mainTable, Item: { ...keys.runLock, runId, leaseUntil: Date.now() + 60_000 } }));
  };
  const world = [...engagements('star', 5, 'reply', ['alpha']), ...engagements('sun', 4, 'reply', ['beta']), ...engagements('moon', 3, 'like', ['gamma'])];
  await applyQueuedInteractions({ receivedAt: new Date().toISOString(), interactions: world }, store, new Date());
});

describe('the run lease', () => {
  it('is renewed while the run works, so nobody else takes the lock from a live run', async () => {
    const { ports, paused, resume } = pausingAt(store, 'postAggregates', 'beta');
    const run = newRun('api');
    const running = runRecompute(run, ports, undefined, { leaseMs: 600 });
    await paused;
    // Four leases long: without renewals the lock would be free.
    await new Promise((resolve) => setTimeout(resolve, 2_400));
    expect(await store.acquireRunLock('intruder', 60_000)).toBe(false);
    expect(await store.runLockHolder()).toBe(run.runId);
    resume();
    expect((await running).status).toBe('succeeded');
  });

  it('stops a run that lost it: no flip, no account write, the run failed', async () => {
    const before = await runRecompute(newRun('api'), store);
    const { ports, paused, resume } = pausingAt(store, 'postAggregates', 'beta');
    const run = newRun('api');
    const running = runRecompute(run, ports, undefined, { leaseMs: 600 });
    await paused;
    await steal('intruder');
    resume();
    await expect(running).rejects.toBeInstanceOf(LeaseLostError);
    expect(await store.run(run.runId)).toMatchObject({ status: 'failed', error: 'LeaseLostError' });
    // Everything readers see is still the earlier run's: boards of the topics read after the loss,
    // and every account item.
    for (const topic of ['beta', 'gamma']) {
      const pointer = await store.boardPointer(boards.leaderboard(topic));
      expect(pointer?.computedAt).toBe(before.startedAt);
    }
    expect((await store.accountScore('x', 'moon')) as { computedAt: string }).toMatchObject({ computedAt: before.startedAt });
    expect(await store.runLockHolder()).toBe('intruder');
  });
});
