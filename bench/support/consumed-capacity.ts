/**
 * Capacity units as DynamoDB on-demand bills them, counted by an SDK middleware: every data
 * command asks for `ReturnConsumedCapacity: 'TOTAL'` and the answers are summed.
 *
 * DynamoDB Local (10.3.0) reports ConsumedCapacity, but not always as DynamoDB's documented rules
 * say; where it does not, the units are computed here from item sizes by those rules (1 KB per WCU,
 * 4 KB per RCU, half for an eventually consistent read, twice for a transaction):
 * - TransactWriteItems / TransactGetItems: DynamoDB Local reports 2 units whatever the
 *   transaction holds, so each action is charged by its item's size: a Put by the item it writes,
 *   an Update, Delete or ConditionCheck by the stored item, read back (without being counted) when
 *   the meter is read, so the handler being timed makes no extra calls. A deleted item is gone
 *   by then and counts as under 1 KB;
 * - a read of an item that does not exist costs like one of up to 4 KB, and a Query or Scan that
 *   finds nothing still costs the minimum read; DynamoDB Local reports 0 for the keys of a
 *   BatchGetItem that find nothing and for an empty Query or Scan;
 * - a single-item write refused by its condition still costs at least 1 WCU; DynamoDB Local
 *   reports nothing. Transactions cancelled by a condition are counted in `refusedTransactions`
 *   but not charged: DynamoDB does not document what they cost.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface CapacityTotals {
  readUnits: number;
  writeUnits: number;
  /** Write units by the kind of item written (keys.ts): account, explanation, history, board chunk, … */
  writeUnitsByKind: Record<string, number>;
  calls: number;
  refusedWrites: number;
  refusedTransactions: number;
}

type Item = Record<string, unknown>;
/** Reads a stored item, uncounted, to size a transaction's action. */
export type ItemReader = (table: string, key: Item) => Promise<Item | undefined>;

const READ_COMMANDS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand', 'TransactGetItemsCommand']);
const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
const TRANSACTIONS = new Set(['TransactGetItemsCommand', 'TransactWriteItemsCommand']);

const KB = 1024;
const minimumRead = (consistent: boolean | undefined) => (consistent ? 1 : 0.5);

/** An item's size as DynamoDB counts it: attribute names plus values (numbers about 1 byte per 2 digits). */
export const itemSize = (item: Item): number => Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);

const valueSize = (value: unknown): number => {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint')
    return (
      Math.ceil(
        String(value)
          .replace(/^-|\.|e.*$/g, '')
          .replace(/^0+/, '').length / 2,
      ) + 1
    );
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, member) => sum + valueSize(member), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, member) => sum + 1 + valueSize(member), 0);
  if (typeof value === 'object') return 3 + Object.entries(value).reduce((sum, [name, member]) => sum + 1 + Buffer.byteLength(name) + valueSize(member), 0);
  return 0;
};

/** Transactional units of one action on an item of `bytes` (at least one unit). */
export const transactionalUnits = (kind: 'read' | 'write', bytes: number): number => 2 * Math.max(1, Math.ceil(bytes / (kind === 'write' ? KB : 4 * KB)));

/** The capacity units one successful command other than a transaction costs, from what DynamoDB Local reported. */
export const capacityOf = (commandName: string, input: Item, output: Item): { read: number; write: number } => {
  const consumed = output.ConsumedCapacity as { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;
  let units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
  if (commandName === 'BatchGetItemCommand') {
    const requests = (input.RequestItems ?? {}) as Record<string, { Keys?: unknown[]; ConsistentRead?: boolean }>;
    const responses = (output.Responses ?? {}) as Record<string, unknown[]>;
    const unprocessed = (output.UnprocessedKeys ?? {}) as Record<string, { Keys?: unknown[] }>;
    for (const [table, request] of Object.entries(requests)) {
      const missing = (request.Keys?.length ?? 0) - (responses[table]?.length ?? 0) - (unprocessed[table]?.Keys?.length ?? 0);
      units += Math.max(0, missing) * minimumRead(request.ConsistentRead);
    }
  }
  if ((commandName === 'QueryCommand' || commandName === 'ScanCommand') && units === 0) units = minimumRead(input.ConsistentRead === true);
  return READ_COMMANDS.has(commandName) ? { read: units, write: 0 } : { read: 0, write: units };
};

/** One action of a transaction: sized now (a Put's item) or later from the stored item. */
export type TransactionAction = { kind: 'read' | 'write'; itemKind: string; bytes: number } | { kind: 'read' | 'write'; table: string; key: Item };

export const transactionActions = (input: Item): TransactionAction[] =>
  ((input.TransactItems ?? []) as Record<string, { TableName: string; Key?: Item; Item?: Item }>[]).flatMap((action) =>
    Object.entries(action).map(([type, { TableName, Key, Item }]): TransactionAction => {
      const kind = type === 'Get' || type === 'ConditionCheck' ? 'read' : 'write';
      return Item ? { kind, itemKind: itemKind(Item), bytes: itemSize(Item) } : { kind, table: TableName, key: Key ?? {} };
    }),
  );

const emptyTotals = (): CapacityTotals => ({ readUnits: 0, writeUnits: 0, writeUnitsByKind: {}, calls: 0, refusedWrites: 0, refusedTransactions: 0 });

/** The kind of item a key names, from its partition key's prefix (lib/adapters/dynamodb/keys.ts); an explanation apart from its account. */
export const itemKind = (key: Item): string => {
  const prefix = String(key.pk ?? '').split('#')[0]!;
  return prefix === 'ACC' && String(key.sk ?? '').startsWith('EXPLAIN#') ? 'EXPLAIN' : prefix;
};

/** Write units a command's items took, by kind: a batch's units shared by its items' sizes (a delete counted as one unit). */
export const writeUnitsByKind = (commandName: string, input: Item, units: number): [string, number][] => {
  if (commandName !== 'BatchWriteItemCommand') return [[itemKind((input.Item ?? input.Key ?? {}) as Item), units]];
  const requests = Object.values((input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]>).flat();
  const estimates = requests.map((request): [string, number] =>
    request.PutRequest
      ? [itemKind(request.PutRequest.Item), Math.max(1, Math.ceil(itemSize(request.PutRequest.Item) / KB))]
      : [itemKind(request.DeleteRequest?.Key ?? {}), 1],
  );
  const estimated = estimates.reduce((sum, [, estimate]) => sum + estimate, 0);
  return estimates.map(([kind, estimate]) => [kind, (units * estimate) / Math.max(1, estimated)]);
};

/** Sums the capacity of every DynamoDB call made through the clients it is attached to. */
export class CapacityMeter {
  private totals = emptyTotals();
  private unsized: { kind: 'read' | 'write'; table: string; key: Item }[] = [];

  constructor(private readonly readItem: ItemReader) {}

  attachTo(client: Pick<DynamoDBDocumentClient, 'middlewareStack'>): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const commandName = context.commandName ?? '';
        if (!READ_COMMANDS.has(commandName) && !WRITE_COMMANDS.has(commandName)) return next(args);
        const input: Item = { ...(args.input as Item), ReturnConsumedCapacity: 'TOTAL' };
        this.totals.calls++;
        try {
          const result = await next({ ...args, input });
          if (TRANSACTIONS.has(commandName)) this.chargeTransaction(input);
          else this.charge(commandName, input, capacityOf(commandName, input, result.output as Item));
          return result;
        } catch (error) {
          const name = error instanceof Error ? error.name : '';
          if (name === 'ConditionalCheckFailedException') {
            this.totals.refusedWrites++;
            this.addWrite(this.totals, itemKind((input.Item ?? input.Key ?? {}) as Item), 1);
          } else if (name === 'TransactionCanceledException') {
            this.totals.refusedTransactions++;
          }
          throw error;
        }
      },
      { step: 'initialize', name: 'consumedCapacityMeter' },
    );
  }

  /** What was counted since the last reset (transactions sized now); starts counting afresh. */
  async reset(): Promise<CapacityTotals> {
    const counted = this.totals;
    const unsized = this.unsized;
    this.totals = emptyTotals();
    this.unsized = [];
    for (let start = 0; start < unsized.length; start += 50) {
      const sizes = await Promise.all(
        unsized.slice(start, start + 50).map(async ({ kind, table, key }) => ({ kind, key, bytes: itemSize((await this.readItem(table, key)) ?? {}) })),
      );
      for (const { kind, key, bytes } of sizes) this.chargeAction(counted, kind, itemKind(key), bytes);
    }
    return counted;
  }

  private charge(commandName: string, input: Item, { read, write }: { read: number; write: number }): void {
    this.totals.readUnits += read;
    if (write > 0) for (const [kind, units] of writeUnitsByKind(commandName, input, write)) this.addWrite(this.totals, kind, units);
  }

  private addWrite(totals: CapacityTotals, kind: string, units: number): void {
    totals.writeUnits += units;
    totals.writeUnitsByKind[kind] = (totals.writeUnitsByKind[kind] ?? 0) + units;
  }

  private chargeTransaction(input: Item): void {
    for (const action of transactionActions(input)) {
      if ('bytes' in action) this.chargeAction(this.totals, action.kind, action.itemKind, action.bytes);
      else this.unsized.push(action);
    }
  }

  private chargeAction(totals: CapacityTotals, kind: 'read' | 'write', writtenKind: string, bytes: number): void {
    if (kind === 'read') totals.readUnits += transactionalUnits('read', bytes);
    else this.addWrite(totals, writtenKind, transactionalUnits('write', bytes));
  }
}

/** Write units by kind of item (the key prefixes of lib/adapters/dynamodb/keys.ts), largest first: `EXPLAIN 18,943, HIST 8,775, …`. */
export const byKindText = (byKind: Record<string, number>): string =>
  Object.entries(byKind)
    .sort(([, a], [, b]) => b - a)
    .map(([kind, units]) => `${kind} ${Math.round(units).toLocaleString('en')}`)
    .join(', ');
