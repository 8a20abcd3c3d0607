import type { ApplyPorts } from '../../lib/aggregation/apply-interactions';
import { applyQueuedInteractions } from '../../lib/aggregation/apply-interactions';
import { demoWorld } from '../../lib/demo/demo-world';
import { pastDayViews } from '../../lib/demo/past-history';
import { newRun, RunInProgressError, runRecompute, type RecomputePorts } from '../../lib/recompute/run-recompute';

const DAY_MS = 86_400_000;
/** Past days of history, so the 30-day trends and the history charts have their points. */
const DEMO_HISTORY_DAYS = 30;
const APPLY_CHUNK = 100;
const APPLY_CONCURRENCY = 16;

export interface DemoSummary {
  interactions: number;
  accounts: number;
  historyDays: number;
}

/**
 * Fills the store with the demo world: applies its interactions the way the queue consumer does,
 * runs a recompute for today, then one for each of the past days over a view of the store as it
 * stood that day, which writes only that day's history.
 */
export const loadDemo = async (store: ApplyPorts & RecomputePorts, now: Date = new Date()): Promise<DemoSummary> => {
  const world = demoWorld({ asOf: now });
  const chunks: (typeof world.interactions)[] = [];
  for (let start = 0; start < world.interactions.length; start += APPLY_CHUNK) {
    chunks.push(world.interactions.slice(start, start + APPLY_CHUNK));
  }
  const receivedAt = now.toISOString();
  const applyNext = async (): Promise<void> => {
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
      await applyQueuedInteractions({ receivedAt, interactions: chunk }, store, now);
    }
  };
  await Promise.all(Array.from({ length: APPLY_CONCURRENCY }, applyNext));

  // A scheduled recompute may hold the lock; today's run waits for it rather than fail the demo.
  for (;;) {
    try {
      await runRecompute(newRun('api'), store);
      break;
    } catch (error) {
      if (!(error instanceof RunInProgressError)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  const asOfDay = pastDayViews(store);
  for (let daysAgo = DEMO_HISTORY_DAYS; daysAgo >= 1; daysAgo--) {
    const day = new Date(now.getTime() - daysAgo * DAY_MS).toISOString().slice(0, 10);
    await runRecompute({ ...newRun('schedule'), startedAt: `${day}T23:59:59.999Z` }, asOfDay(day));
  }
  return { interactions: world.interactions.length, accounts: world.accounts.length, historyDays: DEMO_HISTORY_DAYS + 1 };
};
