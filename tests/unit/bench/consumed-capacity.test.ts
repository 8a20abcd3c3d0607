import { describe, expect, it } from 'vitest';
import { capacityOf, itemKind, itemSize, transactionActions, transactionalUnits, writeUnitsByKind } from '../../../bench/support/consumed-capacity';

describe('capacity units as DynamoDB bills them, from what DynamoDB Local reports', () => {
  it('takes reads and writes as reported', () => {
    expect(capacityOf('GetItemCommand', {}, { ConsumedCapacity: { CapacityUnits: 0.5 } })).toEqual({ read: 0.5, write: 0 });
    expect(capacityOf('PutItemCommand', {}, { ConsumedCapacity: { CapacityUnits: 2 } })).toEqual({ read: 0, write: 2 });
    expect(capacityOf('BatchWriteItemCommand', {}, { ConsumedCapacity: [{ CapacityUnits: 6 }, { CapacityUnits: 1 }] })).toEqual({ read: 0, write: 7 });
  });

  it('sizes items as DynamoDB does: names and values, numbers by their digits', () => {
    expect(itemSize({ pk: 'abc', n: 12345, ok: true })).toBe(2 + 3 + 1 + 4 + 2 + 1);
    expect(itemSize({ ids: new Set(['a', 'bb']), list: ['x'], map: { k: 'v' } })).toBe(3 + 3 + 4 + (3 + 1 + 1) + 3 + (3 + 1 + 1 + 1));
    expect(itemSize({ text: 'é' })).toBe(4 + 2);
  });

  it('charges each action of a transaction twice the standard units of its item', () => {
    expect(transactionalUnits('write', 100)).toBe(2);
    expect(transactionalUnits('write', 1025)).toBe(4);
    expect(transactionalUnits('read', 5000)).toBe(4);
    const actions = transactionActions({
      TransactItems: [
        { Put: { TableName: 't', Item: { pk: 'p', body: 'x'.repeat(2000) } } },
        { Update: { TableName: 't', Key: { pk: 'u', sk: 's' }, UpdateExpression: 'ADD n :one' } },
        { ConditionCheck: { TableName: 't', Key: { pk: 'c', sk: 's' }, ConditionExpression: 'attribute_exists(pk)' } },
      ],
    });
    expect(actions).toEqual([
      { kind: 'write', itemKind: 'p', bytes: 2 + 1 + 4 + 2000 },
      { kind: 'write', table: 't', key: { pk: 'u', sk: 's' } },
      { kind: 'read', table: 't', key: { pk: 'c', sk: 's' } },
    ]);
  });

  it("splits write units by the kind of item: a batch by its items' sizes, an explanation apart from its account", () => {
    expect(itemKind({ pk: 'ACC#x#1', sk: 'SCORE' })).toBe('ACC');
    expect(itemKind({ pk: 'ACC#x#1', sk: 'EXPLAIN#*' })).toBe('EXPLAIN');
    expect(writeUnitsByKind('UpdateItemCommand', { Key: { pk: 'HIST#x#1', sk: '*#2026-12-03' } }, 1)).toEqual([['HIST', 1]]);
    const batch = {
      RequestItems: {
        t: [
          { PutRequest: { Item: { pk: 'BOARD#lb#v1', sk: '000000', entries: 'x'.repeat(2500) } } },
          { DeleteRequest: { Key: { pk: 'BOARD#lb#v0', sk: '000000' } } },
        ],
      },
    };
    expect(writeUnitsByKind('BatchWriteItemCommand', batch, 8)).toEqual([
      ['BOARD', 6],
      ['BOARD', 2],
    ]);
  });

  it('charges BatchGetItem keys that found nothing like a read of a small item', () => {
    const input = { RequestItems: { t: { Keys: [{}, {}, {}, {}] }, strong: { Keys: [{}, {}], ConsistentRead: true } } };
    const output = {
      ConsumedCapacity: [{ CapacityUnits: 0.5 }],
      Responses: { t: [{}], strong: [] },
      UnprocessedKeys: { t: { Keys: [{}] } },
    };
    // t: 1 found (0.5 reported), 1 unprocessed (not read), 2 missing (0.5 each); strong: 2 missing (1 each).
    expect(capacityOf('BatchGetItemCommand', input, output)).toEqual({ read: 0.5 + 1 + 2, write: 0 });
  });

  it('charges the minimum read for a Query that finds nothing', () => {
    expect(capacityOf('QueryCommand', {}, { ConsumedCapacity: { CapacityUnits: 0 }, Count: 0 })).toEqual({ read: 0.5, write: 0 });
    expect(capacityOf('QueryCommand', { ConsistentRead: true }, { Count: 0 })).toEqual({ read: 1, write: 0 });
    expect(capacityOf('QueryCommand', {}, { ConsumedCapacity: { CapacityUnits: 1.5 }, Count: 10 })).toEqual({ read: 1.5, write: 0 });
  });
});
