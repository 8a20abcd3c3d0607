/**
 * What a recompute run claims while it publishes, and how the claim fails: the stores check it in
 * the same write as each board flip (lib/adapters/dynamodb/boards-store.ts), the run's units hold
 * it (lib/app/recompute/run-guard.ts); and a run as it is recorded.
 */
import { z } from 'zod';

export const RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;

/** A recompute run as the runs store records it and `GET /v1/admin/runs/{id}` answers it. */
export const RunRecordSchema = z.object({
  runId: z.string(),
  status: z.enum(RUN_STATUSES),
  trigger: z.enum(['api', 'schedule']),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  topics: z.number().int().nonnegative(),
  accounts: z.number().int().nonnegative(),
  /** `full`: every topic scored afresh (the daily pass, and any run that purges an opt-out); `incremental`: what changed. */
  mode: z.enum(['full', 'incremental']).optional(),
  /** Interactions that count in the scoring window as of this run. */
  interactions: z.number().int().nonnegative().optional(),
  error: z.string().optional(),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

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
