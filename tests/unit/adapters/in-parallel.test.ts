import { describe, expect, it } from 'vitest';
import { inParallel } from '../../../lib/adapters/in-parallel';

/** A promise and the functions that settle it. */
const deferred = () => {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
};

describe('inParallel', () => {
  it('runs every item, never more than `concurrency` at once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await inParallel([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, item % 3));
      done.push(item);
      running--;
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });

  it('after a failure starts nothing more, waits for the items in flight, then rejects with the first failure', async () => {
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    let finished = 0;
    const run = inParallel([0, 1, 2, 3, 4], 2, async (item) => {
      started.push(item);
      await gates[item]!.promise;
      finished++;
    });
    let settled = false;
    run.catch(() => undefined).finally(() => (settled = true));
    await Promise.resolve();
    gates[0]!.reject(new Error('first'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Item 1 is still in flight: the call has not settled, and item 2 was never started.
    expect(settled).toBe(false);
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve();
    await expect(run).rejects.toThrow('first');
    expect(started).toEqual([0, 1]);
    expect(finished).toBe(1);
  });

  it('does nothing for no items', async () => {
    let calls = 0;
    await inParallel([], 4, async () => {
      calls++;
    });
    expect(calls).toBe(0);
  });
});
