import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { accountDigest } from '../../domain/interactions/account-digest';
import { accountKey, parseAccountKey } from '../../domain/interactions/account-key';
import { keys } from './keys';
import type { Table } from './table';

/** The accounts that opted out, as of `epoch`: a counter every opt-out moves on. */
export interface OptOutState {
  epoch: number;
  /** Every opted-out account, by its digest (`accountDigest`). */
  digests: Set<string>;
  /** Those whose traces no run has removed yet, as `network:id`. */
  unpurged: Set<string>;
}

/**
 * Opt-outs: the account's own item becomes the opt-out record (lookups answer 410, no run writes
 * over it, later interactions are dropped), a purge entry tells the next run what to remove, and
 * an epoch moved in the same transaction tells a running run that one landed.
 */
export class ConsentStore {
  constructor(private readonly table: Table) {}

  async optOut(network: string, id: string, requestedAt: string): Promise<void> {
    const account = accountKey(network, id);
    await this.table.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.table.name, Item: { ...keys.accountScore(network, id), network, id, optedOut: true, requestedAt } } },
          { Put: { TableName: this.table.name, Item: { ...keys.optOut(accountDigest(account)), account, requestedAt } } },
          { Update: { TableName: this.table.name, Key: keys.optOutEpoch, UpdateExpression: 'ADD epoch :one', ExpressionAttributeValues: { ':one': 1 } } },
        ],
      }),
    );
  }

  /** The opt-out epoch alone: a run checks it after writing, to learn whether an opt-out landed meanwhile. */
  async optOutEpoch(): Promise<number> {
    const { Item } = await this.table.db.send(new GetCommand({ TableName: this.table.name, Key: keys.optOutEpoch, ConsistentRead: true }));
    return Number(Item?.epoch ?? 0);
  }

  /** Every opt-out as of its epoch: the epoch is read first, so the list holds at least every opt-out it counts. */
  async optOutState(): Promise<OptOutState> {
    const { Item } = await this.table.db.send(new GetCommand({ TableName: this.table.name, Key: keys.optOutEpoch, ConsistentRead: true }));
    const items = await this.table.partition(keys.optOutPartition);
    return {
      epoch: Number(Item?.epoch ?? 0),
      digests: new Set(items.map((item) => String(item.sk))),
      unpurged: new Set(items.filter((item) => typeof item.account === 'string').map((item) => String(item.account))),
    };
  }

  /** Which of these accounts (`network:id`) opted out. */
  async optedOutAmong(accounts: readonly string[]): Promise<Set<string>> {
    const items = await this.table.batchGetAll(
      [...new Set(accounts)].map((account) => {
        const { network, id } = parseAccountKey(account);
        return keys.accountScore(network, id);
      }),
      'network, id, optedOut',
    );
    return new Set(items.filter((item) => item.optedOut === true).map((item) => accountKey(String(item.network), String(item.id))));
  }

  /** The purge is done: the entry forgets who it was for and keeps only the digest. */
  async markPurged(account: string, purgedAt: string): Promise<void> {
    await this.table.db.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: keys.optOut(accountDigest(account)),
        UpdateExpression: 'SET purgedAt = :purgedAt REMOVE account',
        ExpressionAttributeValues: { ':purgedAt': purgedAt },
      }),
    );
  }
}

/** The opt-outs as of an epoch. */
export interface KnownOptOutState {
  epoch: number;
  /** Every opted-out account, by its digest (`accountDigest`). */
  digests: ReadonlySet<string>;
}

/**
 * The opt-outs, kept across calls by a process that asks often (a warm apply function takes many
 * messages, a topic unit scores many topics): each call reads the epoch alone, and the list again
 * only when the epoch moved. Opt-outs are never withdrawn and each one moves the epoch in the same
 * transaction, so the list of an epoch holds every opt-out up to it: the answer is the one the
 * accounts' own items would give, for one read instead of one per account.
 */
export class KnownOptOuts {
  private known: KnownOptOutState | undefined;

  constructor(private readonly consent: Pick<ConsentStore, 'optOutEpoch' | 'optOutState'>) {}

  /** The opt-outs now; `epoch` when the caller has just read it. */
  async current(epoch?: number): Promise<KnownOptOutState> {
    const now = epoch ?? (await this.consent.optOutEpoch());
    if (this.known?.epoch !== now) {
      const state = await this.consent.optOutState();
      this.known = { epoch: state.epoch, digests: state.digests };
    }
    return this.known;
  }

  /** Which of these accounts (`network:id`) opted out. */
  async among(accounts: readonly string[]): Promise<Set<string>> {
    const { digests } = await this.current();
    return new Set(accounts.filter((account) => digests.has(accountDigest(account))));
  }
}

const knownByStore = new WeakMap<object, KnownOptOuts>();

/** The process's KnownOptOuts of one consent store. */
export const knownOptOutsOf = (consent: Pick<ConsentStore, 'optOutEpoch' | 'optOutState'>): KnownOptOuts => {
  let known = knownByStore.get(consent);
  if (!known) {
    known = new KnownOptOuts(consent);
    knownByStore.set(consent, known);
  }
  return known;
};
