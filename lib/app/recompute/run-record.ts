import { randomUUID } from 'node:crypto';
import type { Run } from '../api/schemas';

/** A run as it starts: `running` from the moment it is requested. */
export const newRun = (trigger: Run['trigger'], runId: string = randomUUID()): Run => ({
  runId,
  status: 'running',
  trigger,
  startedAt: new Date().toISOString(),
  finishedAt: null,
  topics: 0,
  accounts: 0,
});
