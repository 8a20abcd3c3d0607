/**
 * What keeps a run honest while it publishes: its lease on the run lock, renewed on a timer, and
 * the opt-out epoch it last read. Every board flip checks both in the same write.
 */

import { LeaseLostError } from '../../domain/recompute-run';

/** Long enough to ride out a slow write; short enough that a crashed run frees the way soon. */
export const RUN_LEASE_MS = 120_000;

export interface LeasePorts {
  renewRunLock(runId: string, leaseMs: number): Promise<boolean>;
}

export interface Lease {
  /** Renews the lease now; throws LeaseLostError when another run holds the lock. Called before each write that commits. */
  confirm(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Holds the run's lease while a unit works: renewed three times a lease on a timer and whenever
 * the unit confirms it, and lost for good the first time a renewal finds another run holding it.
 * A confirmation within a twelfth of a lease of a renewal that succeeded asks the lock nothing: the
 * lease then has at least eleven twelfths left, so no other run can hold the lock (a unit that
 * publishes many small topics confirms before each).
 */
export const holdLease = (ports: LeasePorts, runId: string, leaseMs: number = RUN_LEASE_MS): Lease => {
  let lost = false;
  let renewal: Promise<void> = Promise.resolve();
  /** When the last renewal that succeeded was asked for. */
  let renewedAt = Number.NEGATIVE_INFINITY;
  const renew = (failure: 'tolerate' | 'throw') => {
    renewal = renewal.then(async () => {
      if (lost) return;
      const asked = Date.now();
      try {
        if (await ports.renewRunLock(runId, leaseMs)) renewedAt = asked;
        else lost = true;
      } catch (error) {
        // A failed timed renewal is tried again at the next tick; the lease covers two more.
        if (failure === 'throw') throw error;
      }
    });
    return renewal;
  };
  const timer = setInterval(() => void renew('tolerate'), Math.max(10, Math.floor(leaseMs / 3)));
  timer.unref?.();
  return {
    confirm: async () => {
      if (lost) throw new LeaseLostError();
      if (Date.now() - renewedAt < leaseMs / 12) return;
      const confirmed = renew('throw');
      // The chain goes on past a confirmation that failed.
      renewal = confirmed.catch(() => undefined);
      await confirmed;
      if (lost) throw new LeaseLostError();
    },
    stop: async () => {
      clearInterval(timer);
      await renewal;
    },
  };
};
