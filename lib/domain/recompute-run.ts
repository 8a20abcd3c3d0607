/**
 * What a recompute run claims while it publishes, and how the claim fails: the stores check it in
 * the same write as each board flip (lib/adapters/dynamodb/boards-store.ts), the run's units hold
 * it (lib/app/recompute/run-guard.ts).
 */

/** What a run's board flip requires: that the run still holds its lease, and that nobody opted out since it read the opt-outs. */
export interface FlipGuard {
  runId: string;
  optOutEpoch: number;
}

export class RunInProgressError extends Error {
  constructor() {
    super('another recompute holds the lock');
    this.name = 'RunInProgressError';
  }
}

/** The run no longer holds the lock (its lease ran out and another run took it): it must stop writing. */
export class LeaseLostError extends Error {
  constructor() {
    super('the run lost its lease on the recompute lock');
    this.name = 'LeaseLostError';
  }
}

/** Someone opted out since the run read the opt-outs: what it was about to publish may name them. */
export class OptOutsChangedError extends Error {
  constructor() {
    super('an account opted out during the run');
    this.name = 'OptOutsChangedError';
  }
}
