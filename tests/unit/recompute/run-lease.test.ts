/**
 * The run lease as one unit holds it: renewed on a timer, tolerant of a renewal that errs, lost
 * for good once another run holds the lock, and confirmed on demand before a write that commits.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { holdLease } from '../../../lib/app/recompute/run-guard';
import { LeaseLostError } from '../../../lib/domain/recompute-run';

/** A lock that answers renewals as told, and counts them. */
const lock = () => {
  const answers: (boolean | Error)[] = [];
  let renewals = 0;
  return {
    answers,
    renewals: () => renewals,
    ports: {
      renewRunLock: async () => {
        renewals++;
        const answer = answers.shift() ?? true;
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
  };
};

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the run lease', () => {
  it('is renewed three times a lease while the unit works, and no more once stopped', async () => {
    const { ports, renewals } = lock();
    const lease = holdLease(ports, 'run-1', 600);
    await vi.advanceTimersByTimeAsync(2_400);
    expect(renewals()).toBe(12);
    await lease.stop();
    await vi.advanceTimersByTimeAsync(2_400);
    expect(renewals()).toBe(12);
  });

  it('survives a renewal that errs, and is confirmed by the next one', async () => {
    const { ports, answers } = lock();
    answers.push(new Error('throttled'));
    const lease = holdLease(ports, 'run-1', 600);
    await vi.advanceTimersByTimeAsync(200);
    await expect(lease.confirm()).resolves.toBeUndefined();
    await lease.stop();
  });

  it('is lost for good once a renewal finds another run holding the lock', async () => {
    const { ports, answers, renewals } = lock();
    answers.push(true, false);
    const lease = holdLease(ports, 'run-1', 600);
    await vi.advanceTimersByTimeAsync(400);
    await expect(lease.confirm()).rejects.toBeInstanceOf(LeaseLostError);
    const after = renewals();
    await vi.advanceTimersByTimeAsync(1_000);
    // A lost lease is never taken back by a later renewal.
    expect(renewals()).toBe(after);
    await expect(lease.confirm()).rejects.toBeInstanceOf(LeaseLostError);
    await lease.stop();
  });

  it('asks the lock nothing when confirmed within a twelfth of a lease of a renewal that succeeded, and asks again after', async () => {
    const { ports, renewals } = lock();
    const lease = holdLease(ports, 'run-1', 120_000);
    await lease.confirm();
    expect(renewals()).toBe(1);
    await vi.advanceTimersByTimeAsync(9_000);
    await lease.confirm();
    await lease.confirm();
    expect(renewals()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_500);
    await lease.confirm();
    expect(renewals()).toBe(2);
    await lease.stop();
  });

  it('asks the lock when confirmed, without waiting for the timer', async () => {
    const { ports, answers, renewals } = lock();
    const lease = holdLease(ports, 'run-1', 600_000);
    answers.push(false);
    await expect(lease.confirm()).rejects.toBeInstanceOf(LeaseLostError);
    expect(renewals()).toBe(1);
    await lease.stop();
  });

  it('passes on the error of a confirmation that could not reach the lock, and keeps renewing after it', async () => {
    const { ports, answers, renewals } = lock();
    const lease = holdLease(ports, 'run-1', 600);
    answers.push(new Error('unreachable'));
    await expect(lease.confirm()).rejects.toThrow('unreachable');
    await vi.advanceTimersByTimeAsync(200);
    expect(renewals()).toBe(2);
    await expect(lease.confirm()).resolves.toBeUndefined();
    await lease.stop();
  });
});
