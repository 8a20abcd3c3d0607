/**
 * The run record's schema, apart from recompute-run.ts, which every store imports: a zod schema
 * cannot be left out of a bundle once its module is imported, and most functions never read a run.
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
