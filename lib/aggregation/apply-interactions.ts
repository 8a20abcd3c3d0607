import { accountKey, type Interaction } from '../interactions/schema';
import type { HandleClaim, QueuedInteractions } from '../interactions/queued';
import type { Retraction } from '../interactions/retraction';
import { parentsToLookUp, resolveTopics, type ContentRef, type ContentTopics } from './content-topics';
import { byRepeat, planTransaction, transactionBatches, type ResolvedInteraction, type TransactionPlan } from './write-plan';

/**
 * The store refused a write for what it holds (a key or an item beyond its limits): trying it again
 * will not help, so it must not take the rest of its message down with it.
 */
export class RefusedWriteError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RefusedWriteError';
  }
}

export interface ApplyPorts {
  /** Which of these accounts (`network:id`) opted out. */
  optedOutAmong(accounts: string[]): Promise<Set<string>>;
  registerTopics(topics: string[]): Promise<void>;
  /** Keeps each account's latest self-published handle; an older claim changes nothing. */
  recordHandleClaims(claims: HandleClaim[]): Promise<void>;
  /** The stored topics of these pieces of content, by `contentKey`; content without any is left out. */
  contentTopics(contents: ContentRef[]): Promise<Map<string, string[]>>;
  rememberContentTopics(contents: ContentTopics[]): Promise<void>;
  /**
   * Writes the plan in one transaction, all or nothing. `refused` names the interactions
   * (`network:id`) that stopped it: applied before, dropped by a tombstone, or from deleted content.
   * Throws RefusedWriteError when the store cannot hold what the plan writes.
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
  /**
   * What the store refused on its own (RefusedWriteError), each as a message of its own: its
   * siblings are applied, and it is retried, and dead-lettered, alone.
   */
  isolated: QueuedInteractions[];
}

/**
 * Applies one queued message. Safe to repeat after a failure at any point: content topics are
 * idempotent puts, each interaction is applied at most once by the conditional write of its item
 * in the same transaction as its aggregates, each retraction takes an interaction out at most
 * once, and topics are registered only for interactions that were applied.
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
  const optedOut = await ports.optedOutAmong([
    ...message.interactions.flatMap(involved),
    ...(message.handles ?? []).map((claim) => accountKey(claim.network, claim.id)),
  ]);
  const kept = message.interactions.filter((interaction) => !involved(interaction).some((account) => optedOut.has(account)));

  const parents = parentsToLookUp(kept);
  const { resolved, remembered } = resolveTopics(kept, parents.length > 0 ? await ports.contentTopics(parents) : new Map());
  await ports.rememberContentTopics(remembered);

  const summary: ApplySummary = { applied: 0, duplicates: 0, dropped: message.interactions.length - kept.length, retracted: 0, isolated: [] };
  const isolatedInteractions: Interaction[] = [];
  const registered = new Set<string>();
  for (const round of byRepeat(resolved)) {
    for (const batch of transactionBatches(round)) {
      const outcome = await applyBatch(batch, ports, appliedAt.toISOString());
      summary.applied += outcome.applied.length;
      summary.duplicates += outcome.refused.length;
      isolatedInteractions.push(...outcome.isolated.map(({ interaction }) => interaction));
      // A topic is registered once an interaction in it is applied: here, or by an earlier attempt
      // at this message (then it is refused as applied before, and registering again is harmless).
      for (const { topics } of [...outcome.applied, ...outcome.refused]) for (const topic of topics) registered.add(topic);
    }
  }
  if (registered.size > 0) await ports.registerTopics([...registered]);

  const claims = (message.handles ?? []).filter((claim) => !optedOut.has(accountKey(claim.network, claim.id)));
  if (claims.length > 0) await ports.recordHandleClaims(claims);

  const isolatedRetractions: Retraction[] = [];
  for (const retraction of message.retractions ?? []) {
    try {
      if (retraction.kind === 'interaction') {
        const outcome = await ports.retractInteraction(retraction.network, retraction.id, retraction.retractedAt);
        if (outcome === 'retracted') summary.retracted++;
      } else {
        summary.retracted += await ports.retractContent(retraction.network, retraction.contentId, retraction.retractedAt);
      }
    } catch (error) {
      if (!(error instanceof RefusedWriteError)) throw error;
      isolatedRetractions.push(retraction);
    }
  }
  summary.isolated = [
    ...isolatedInteractions.map((interaction) => ({ receivedAt: message.receivedAt, interactions: [interaction] })),
    ...isolatedRetractions.map((retraction) => ({ receivedAt: message.receivedAt, interactions: [], retractions: [retraction] })),
  ];
  return summary;
};

/** Whether a summary's isolated parts are the whole message: then the message itself failed. */
export const isWhollyIsolated = (message: QueuedInteractions, summary: ApplySummary): boolean =>
  summary.isolated.length > 0 && summary.isolated.length === message.interactions.length + (message.retractions?.length ?? 0);

interface BatchOutcome {
  applied: ResolvedInteraction[];
  /** Refused by the store's conditions: applied before, tombstoned, or from deleted content. */
  refused: ResolvedInteraction[];
  /** Refused by the store for what they hold, each on its own. */
  isolated: ResolvedInteraction[];
}

/**
 * Applies a batch in one transaction; when interactions in it are refused, nothing was written,
 * so it tries again without them. When the store cannot hold the batch, it is split in halves
 * until the interactions it cannot hold stand alone.
 */
const applyBatch = async (batch: ResolvedInteraction[], ports: ApplyPorts, appliedAt: string): Promise<BatchOutcome> => {
  const outcome: BatchOutcome = { applied: [], refused: [], isolated: [] };
  let pending = batch;
  while (pending.length > 0) {
    let result: Awaited<ReturnType<ApplyPorts['applyTransaction']>>;
    try {
      result = await ports.applyTransaction(planTransaction(pending, appliedAt));
    } catch (error) {
      if (!(error instanceof RefusedWriteError)) throw error;
      if (pending.length === 1) {
        outcome.isolated.push(...pending);
        return outcome;
      }
      const middle = Math.ceil(pending.length / 2);
      for (const half of [pending.slice(0, middle), pending.slice(middle)]) {
        const part = await applyBatch(half, ports, appliedAt);
        outcome.applied.push(...part.applied);
        outcome.refused.push(...part.refused);
        outcome.isolated.push(...part.isolated);
      }
      return outcome;
    }
    if (result.committed) {
      outcome.applied.push(...pending);
      return outcome;
    }
    const { refused } = result;
    const isRefused = ({ interaction }: ResolvedInteraction) => refused.has(accountKey(interaction.network, interaction.id));
    outcome.refused.push(...pending.filter(isRefused));
    pending = pending.filter((resolved) => !isRefused(resolved));
  }
  return outcome;
};
