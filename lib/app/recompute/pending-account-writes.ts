import type { AccountsStore, StoredExplanation } from '../../adapters/dynamodb/accounts-store';

type Accounts = Pick<AccountsStore, 'writeExplanations' | 'deleteExplanations' | 'writeHistory'>;
type HistoryPoint = Parameters<AccountsStore['writeHistory']>[1][number];
type ExplanationRef = Parameters<AccountsStore['deleteExplanations']>[0][number];

interface TopicWrites {
  history: HistoryPoint[];
  explanations: StoredExplanation[];
  gone: ExplanationRef[];
}

/**
 * The history points, explanations and explanation deletions of a map item's topics, held per
 * topic and written together once `limit` items are held, or when flushed: a small topic changes a
 * few of each, and calls per topic cost more than their items. A topic's writes are flushed before
 * its boards flip. When writing them together fails, each topic's are written alone, so one topic
 * whose writes fail does not fail the others.
 */
export class PendingAccountWrites {
  private held = new Map<string, TopicWrites>();
  private count = 0;
  private readonly failures = new Map<string, unknown>();

  constructor(
    private readonly accounts: Accounts,
    private readonly day: string,
    private readonly limit: number,
  ) {}

  async add(topic: string, writes: Partial<TopicWrites>): Promise<void> {
    const held = this.held.get(topic) ?? { history: [], explanations: [], gone: [] };
    // Pushed one at a time: a topic of a million accounts hands over a million history points, more than a call takes as arguments.
    for (const item of writes.history ?? []) held.history.push(item);
    for (const item of writes.explanations ?? []) held.explanations.push(item);
    for (const item of writes.gone ?? []) held.gone.push(item);
    this.held.set(topic, held);
    this.count += (writes.history?.length ?? 0) + (writes.explanations?.length ?? 0) + (writes.gone?.length ?? 0);
    if (this.count >= this.limit) await this.flush();
  }

  /** Writes everything held. */
  async flush(): Promise<void> {
    const held = [...this.held];
    this.held = new Map();
    this.count = 0;
    if (held.length === 0) return;
    try {
      await this.write(held.map(([, writes]) => writes));
    } catch (error) {
      if (held.length === 1) this.failures.set(held[0]![0], error);
      else {
        for (const [topic, writes] of held) {
          await this.write([writes]).catch((alone: unknown) => this.failures.set(topic, alone));
        }
      }
    }
  }

  /** Drops what a topic holds: it failed before its writes were due. */
  discard(topic: string): void {
    const held = this.held.get(topic);
    if (!held) return;
    this.count -= held.history.length + held.explanations.length + held.gone.length;
    this.held.delete(topic);
  }

  /** Why a topic's writes failed, if they did. */
  failureOf(topic: string): unknown {
    return this.failures.get(topic);
  }

  private async write(parts: readonly TopicWrites[]): Promise<void> {
    await this.accounts.writeHistory(
      this.day,
      parts.flatMap((part) => part.history),
    );
    await this.accounts.writeExplanations(parts.flatMap((part) => part.explanations));
    await this.accounts.deleteExplanations(parts.flatMap((part) => part.gone));
  }
}
