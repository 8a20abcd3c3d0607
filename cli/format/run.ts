import type { Run } from '../../lib/app/api/schemas';
import { formatDuration, formatFields, type Cell } from './table';

const runDuration = (run: Run): string | undefined => (run.finishedAt ? formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt)) : undefined);

export const formatRunSummary = (run: Run): string => {
  const fields: [string, Cell][] = [
    ['run', run.runId],
    ['status', run.status],
    ['started at', run.startedAt],
    ['duration', runDuration(run) ?? 'still running'],
    ['topics', run.topics],
    ['accounts', run.accounts],
  ];
  if (run.error) fields.push(['error', run.error]);
  return formatFields(fields);
};

/** One line for the stats: `abc123 succeeded at 2025-…, 12.3 s, 7 topics, 56 accounts`. */
export const formatRunLine = (run: Run): string => {
  const duration = runDuration(run);
  const when = run.finishedAt ? `at ${run.finishedAt}, ${duration}` : `since ${run.startedAt}`;
  return `${run.runId} ${run.status} ${when}, ${run.topics} topics, ${run.accounts} accounts${run.error ? ` (${run.error})` : ''}`;
};
