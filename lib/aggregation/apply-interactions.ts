import { accountKey, type Interaction } from '../interactions/schema';
import type { QueuedInteractions } from '../interactions/queued';
import { parentsToLookUp, resolveTopics, type ContentRef, type ContentTopics } from './content-topics';
import { byRepeat, planTransaction, transactionBatches, type ResolvedInteraction, type TransactionPlan } from './write-plan';

export interface ApplyPorts {
  /** Which of these accounts (`network:id`) opted out. */
  optedOutAmong(accounts: string[]): Promise<Set<string>>;
  registerTopics(topics: string[]): Promise<void>;
  /** The stored topics of these pieces of content, by `contentKey`; content without any is left out. */
  contentTopics(contents: ContentRef[]): Promise<Map<string, string[]>>;
  rememberContentTopics(contents: ContentTopics[]): Promise<void>;
  /**
   * Writes the plan in one transaction, all or nothing. `refused` names the interactions
   * (`network:id`) that stopped it: applied before, dropped by a tombstone, or from deleted content.
   */
  applyTransaction(plan: TransactionPlan): Promise<{ committed: true } | { committed: false; refused: Set<string> }>;
  retractInteraction(network: string, id: string, retractedAt: string): Promise<'retracted' | 'tombstoned' | 'unchanged'>;
  retractContent(network: string, contentId: string, retractedAt: string): Promise<number>;
}

export interface ApplySummary {
  applied: number;
  duplicates: number;
  /** Interactions involving an account that opted out: dropped. */
  dropped: number;
  /** Interactions taken back out by the message's retractions. */
  retracted: number;
}

/**
 * Applies one queued message. Safe to repeat after a failure at any point: topics and content
 * topics are idempotent puts, each interaction is applied at most once by the conditional write
 * of its item in the same transaction as its aggregates, and each retraction takes an
 * interaction out at most once.
 */
export const applyQueuedInteractions = async (
  message: QueuedInteractions,
  ports: ApplyPorts,
  appliedAt: Date,
): Promise<ApplySummary> => {
  const involved = (interaction: Interaction) => [
    accountKey(interaction.network, interaction.actor.id),
    ...(interaction.target ? [accountKey(interaction.network, interaction.target.id)] : []),
  ];
  const optedOut = await ports.optedOutAmong(message.interactions.flatMap(involved));
  const kept = message.interactions.filter((interaction) => !involved(interaction).some((account) => optedOut.has(account)));

  const parents = parentsToLookUp(kept);
  const { resolved, remembered } = resolveTopics(kept, parents.length > 0 ? await ports.contentTopics(parents) : new Map());
  await ports.rememberContentTopics(remembered);
  // The registry lists the topics a recompute visits; registering before applying means no applied
  // interaction is ever in a topic that the recompute does not know.
  await ports.registerTopics(resolved.flatMap(({ topics }) => topics));

  const summary: ApplySummary = { applied: 0, duplicates: 0, dropped: message.interactions.length - kept.length, retracted: 0 };
  for (const round of byRepeat(resolved)) {
    for (const batch of transactionBatches(round)) {
      const applied = await applyBatch(batch, ports, appliedAt.toISOString());
      summary.applied += applied;
      summary.duplicates += batch.length - applied;
    }
  }
  for (const retraction of message.retractions ?? []) {
    if (retraction.kind === 'interaction') {
      const outcome = await ports.retractInteraction(retraction.network, retraction.id, retraction.retractedAt);
      if (outcome === 'retracted') summary.retracted++;
    } else {
      summary.retracted += await ports.retractContent(retraction.network, retraction.contentId, retraction.retractedAt);
    }
  }
  return summary;
};

/**
 * Applies a batch in one transaction; when interactions in it are refused, nothing was written,
 * so it tries again without them. Returns how many were applied.
 */
const applyBatch = async (batch: ResolvedInteraction[], ports: ApplyPorts, appliedAt: string): Promise<number> => {
  let pending = batch;
  while (pending.length > 0) {
    const outcome = await ports.applyTransaction(planTransaction(pending, appliedAt));
    if (outcome.committed) return pending.length;
    pending = pending.filter(({ interaction }) => !outcome.refused.has(accountKey(interaction.network, interaction.id)));
  }
  return 0;
};
