import { demoWorld } from '../../lib/dev/demo/demo-world';
import { pastHistoryPoints } from '../../lib/dev/demo/past-history';
import { applyToLog, type ApplyPorts } from '../../lib/app/log/apply-to-log';
import type { Run } from '../../lib/app/api/schemas';
import type { AccountsStore } from '../../lib/adapters/dynamodb/accounts-store';

const DAY_MS = 86_400_000;
/** Past days of history, so the 30-day trends and the history charts have their points. */
const DEMO_HISTORY_DAYS = 30;
const APPLY_CHUNK = 100;
const APPLY_CONCURRENCY = 8;

export interface DemoSummary {
  interactions: number;
  accounts: number;
  historyDays: number;
}

export interface DemoPorts {
  apply: ApplyPorts;
  /** A whole recompute run, as the schedule would start it, on this clock; resolves once it succeeded. */
  recompute(now: Date): Promise<Run>;
  accounts: Pick<AccountsStore, 'writeHistory'>;
}

/**
 * Fills the service with the demo world: applies its interactions the way the queue consumer does
 * (into the interaction log) and runs recomputes as the schedule would have — one on the first of
 * the past days with the interactions up to it, which campaign search's `rising` compares with,
 * and one today with all of them — then writes the history of the past days as each day's
 * scoring of the interactions up to it gives it.
 */
export const loadDemo = async (ports: DemoPorts, now: Date = new Date()): Promise<DemoSummary> => {
  const world = demoWorld({ asOf: now });
  const firstDay = new Date(now.getTime() - DEMO_HISTORY_DAYS * DAY_MS).toISOString().slice(0, 10);
  const endOfFirstDay = new Date(`${firstDay}T23:59:59.999Z`);
  const applyAll = async (interactions: typeof world.interactions) => {
    const chunks: (typeof world.interactions)[] = [];
    for (let start = 0; start < interactions.length; start += APPLY_CHUNK) chunks.push(interactions.slice(start, start + APPLY_CHUNK));
    const receivedAt = now.toISOString();
    const applyNext = async (): Promise<void> => {
      for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) await applyToLog({ receivedAt, interactions: chunk }, ports.apply, now);
    };
    await Promise.all(Array.from({ length: APPLY_CONCURRENCY }, applyNext));
  };
  const byFirstDay = (interaction: (typeof world.interactions)[number]) => Date.parse(interaction.occurredAt) <= endOfFirstDay.getTime();
  await applyAll(world.interactions.filter(byFirstDay));
  await ports.recompute(endOfFirstDay);
  await applyAll(world.interactions.filter((interaction) => !byFirstDay(interaction)));
  await ports.recompute(now);
  for (let daysAgo = DEMO_HISTORY_DAYS; daysAgo >= 1; daysAgo--) {
    const day = new Date(now.getTime() - daysAgo * DAY_MS).toISOString().slice(0, 10);
    await ports.accounts.writeHistory(day, pastHistoryPoints(world.interactions, day));
  }
  return { interactions: world.interactions.length, accounts: world.accounts.length, historyDays: DEMO_HISTORY_DAYS + 1 };
};
