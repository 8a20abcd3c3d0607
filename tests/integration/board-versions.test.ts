/**
 * Board versions share the chunks that did not change: a new version writes only the chunks whose
 * entries differ from the version readers see, its pointer names where each chunk is stored, and a
 * chunk is deleted once neither the current nor the previous version reads it. Readers of either
 * version (an open cursor pins the previous one) still see every entry of it.
 */
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { publishBoard, publishBoards } from '../../lib/app/recompute/publish-board';
import { OptOutsChangedError } from '../../lib/domain/recompute-run';
import { BoardsStore, chunkEntries } from '../../lib/adapters/dynamodb/boards-store';
import { keys } from '../../lib/adapters/dynamodb/keys';
import { Table } from '../../lib/adapters/dynamodb/table';
import { isolatedTables } from '../support/isolated-tables';

const BOARD = 'lb:astronomy:*';
const guard = { runId: 'run-1', optOutEpoch: 0 };
type Entry = { rank: number; id: string; score: number };

let store: BoardsStore;
let table: Table;
let storedChunks: () => Promise<string[]>;

beforeEach(async () => {
  const { db, mainTable } = await isolatedTables();
  table = new Table(db, mainTable);
  store = new BoardsStore(table);
  await db.send(new PutCommand({ TableName: mainTable, Item: { ...keys.runLock, runId: guard.runId, leaseUntil: Date.now() + 3_600_000 } }));
  storedChunks = async () => {
    const { Items = [] } = await db.send(
      new ScanCommand({ TableName: mainTable, FilterExpression: 'begins_with(pk, :board)', ExpressionAttributeValues: { ':board': `BOARD#${BOARD}#` } }),
    );
    return Items.map((item) => `${String(item.pk).slice(`BOARD#${BOARD}#`.length)}#${Number(item.sk)}`).sort();
  };
});

const entries = (count: number, changed: Record<number, number> = {}): Entry[] =>
  Array.from({ length: count }, (_, index) => ({ rank: index + 1, id: `account-${index}`, score: changed[index] ?? 100 - index / 10 }));

const publish = async (version: string, board: Entry[], keepReplaced = true) => {
  const published = await publishBoard(store, BOARD, board, { version, computedAt: `2026-12-03T00:00:0${version.slice(1)}Z` }, guard, { keepReplaced });
  await store.deleteChunks(BOARD, published.unreferenced);
  return published;
};

const wholeBoard = async (version?: string) => {
  const pointer = await store.boardPointer(BOARD);
  const count = version && version !== pointer!.version ? pointer!.previousCount! : pointer!.count;
  const page = await store.boardPage<Entry>(BOARD, Math.max(1, count), version ? { version, position: 0 } : undefined);
  return page!.entries;
};

describe('board versions', () => {
  it('write only the chunks that changed, and read whole', async () => {
    const first = entries(350);
    await publish('v1', first);
    expect(await storedChunks()).toEqual(['v1#0', 'v1#1', 'v1#2', 'v1#3']);

    // One score in the third chunk moves: only that chunk is written again.
    const second = entries(350, { 250: 60 });
    expect(await publish('v2', second)).toMatchObject({ changed: true, unreferenced: [] });
    expect(await storedChunks()).toEqual(['v1#0', 'v1#1', 'v1#2', 'v1#3', 'v2#2']);
    expect((await store.boardPointer(BOARD))!.chunks).toEqual(['v1', 'v1', 'v2', 'v1']);
    expect(await wholeBoard()).toEqual(second);
    // A cursor opened on the version before reads it as it was.
    expect(await wholeBoard('v1')).toEqual(first);
    const page = await store.boardPage<Entry>(BOARD, 100, { version: 'v2', position: 190 });
    expect(page!.entries.map((entry) => entry.score)).toEqual(second.slice(190, 290).map((entry) => entry.score));
  });

  it('delete a chunk once neither the current nor the previous version reads it', async () => {
    await publish('v1', entries(350));
    await publish('v2', entries(350, { 250: 60 }));
    const third = entries(350, { 5: 99.9, 250: 60 });
    await publish('v3', third);
    // v1's third chunk was read by v1 only; its first is still v2's, and v2 is the previous version now.
    expect(await storedChunks()).toEqual(['v1#0', 'v1#1', 'v1#3', 'v2#2', 'v3#0']);

    const fourth = entries(350, { 5: 99.9, 250: 60, 320: 1 });
    const published = await publish('v4', fourth);
    expect(published.unreferenced).toEqual([{ version: 'v1', chunk: 0 }]);
    expect(await storedChunks()).toEqual(['v1#1', 'v1#3', 'v2#2', 'v3#0', 'v4#3']);
    expect(await wholeBoard()).toEqual(fourth);
    expect(await wholeBoard('v3')).toEqual(third);
  });

  it('write nothing for an unchanged board, and whole chunks again when a board grows or shrinks past them', async () => {
    await publish('v1', entries(250));
    expect(await publish('v2', entries(250))).toMatchObject({ changed: false, unreferenced: [] });
    expect((await store.boardPointer(BOARD))!.version).toBe('v1');

    // A longer board: the full chunks stay, the partial last one and the new one are written.
    const longer = entries(320);
    await publish('v3', longer);
    expect((await store.boardPointer(BOARD))!.chunks).toEqual(['v1', 'v1', 'v3', 'v3']);
    expect(await wholeBoard()).toEqual(longer);

    const shorter = entries(120);
    await publish('v4', shorter);
    expect(await store.boardPointer(BOARD)).toMatchObject({ count: 120, chunks: ['v1', 'v4'] });
    expect(await wholeBoard()).toEqual(shorter);
  });

  it("tell the chunks that changed from the pointer's fingerprints without reading the board, and by reading a board stored without them", async () => {
    const reads = () => {
      let count = 0;
      const counting = Object.create(store) as BoardsStore;
      counting.boardPage = async (...args) => {
        count++;
        return store.boardPage(...args);
      };
      return { store: counting, count: () => count };
    };
    await publish('v1', entries(350));
    const watched = reads();
    const second = entries(350, { 250: 60 });
    await publishBoard(watched.store, BOARD, second, { version: 'v2', computedAt: '2026-12-03T00:00:02Z' }, guard, { keepReplaced: true });
    expect(
      await publishBoard(watched.store, BOARD, second, { version: 'v3', computedAt: '2026-12-03T00:00:03Z' }, guard, { keepReplaced: true }),
    ).toMatchObject({ changed: false });
    expect(watched.count()).toBe(0);
    expect((await store.boardPointer(BOARD))!.chunks).toEqual(['v1', 'v1', 'v2', 'v1']);

    // A pointer from before the fingerprints: the board is read once to compare, and the chunks are reused as before.
    const { chunkHashes: _dropped, ...withoutHashes } = (await store.boardPointer(BOARD))!;
    await table.db.send(new PutCommand({ TableName: table.name, Item: { ...keys.boardPointer(BOARD), board: BOARD, ...withoutHashes } }));
    const third = entries(350, { 5: 99.9, 250: 60 });
    await publishBoard(watched.store, BOARD, third, { version: 'v4', computedAt: '2026-12-03T00:00:04Z' }, guard, { keepReplaced: true });
    expect(watched.count()).toBe(1);
    expect((await store.boardPointer(BOARD))!.chunks).toEqual(['v4', 'v1', 'v2', 'v1']);
    expect(await wholeBoard()).toEqual(third);
  });

  it('store each chunk packed, a fraction of its entries as a list, and read a chunk stored as a list before they were packed', async () => {
    const board = entries(150);
    await publish('v1', board);
    const { Items = [] } = await table.db.send(
      new ScanCommand({ TableName: table.name, FilterExpression: 'begins_with(pk, :board)', ExpressionAttributeValues: { ':board': `BOARD#${BOARD}#` } }),
    );
    expect(Items).toHaveLength(2);
    for (const item of Items) {
      expect(item.entries).toBeUndefined();
      expect(item.packedEntries).toBeInstanceOf(Uint8Array);
      expect((item.packedEntries as Uint8Array).length).toBeLessThan(JSON.stringify(chunkEntries(item)).length / 3);
    }

    // A chunk as the store wrote it before: its entries as a list of maps.
    const older = entries(150, { 120: 10 });
    await table.db.send(new PutCommand({ TableName: table.name, Item: { ...keys.boardChunk(BOARD, 'v1', 1), entries: older.slice(100) } }));
    expect(await wholeBoard()).toEqual([...board.slice(0, 100), ...older.slice(100)]);
  });

  describe('several together', () => {
    const other = 'lb:gardening:*';
    const request = (board: string, version: string, list: Entry[]) => ({
      board,
      entries: list,
      pointer: { version, computedAt: '2026-12-03T00:00:02Z' },
      guard,
      keepReplaced: true,
    });
    /** The store, telling in order what it was asked to write and flip. */
    const watch = () => {
      const order: string[] = [];
      const watching = Object.create(store) as BoardsStore;
      watching.writeBoards = async (writes) => {
        order.push(`chunks of ${writes.map((write) => write.board).join(' and ')}`);
        return store.writeBoards(writes);
      };
      watching.flipBoards = async (flips, flipGuard) => {
        order.push(`flip ${flips.map((flip) => flip.board).join(' and ')}`);
        return store.flipBoards(flips, flipGuard);
      };
      watching.flipBoard = async (board, ...rest) => {
        order.push(`flip ${board} alone`);
        return store.flipBoard(board, ...rest);
      };
      return { watching, order };
    };

    it('write the chunks of all, then flip their pointers in one transaction', async () => {
      await publish('v1', entries(150));
      const { watching, order } = watch();
      const outcomes = await publishBoards(watching, [request(BOARD, 'v2', entries(150, { 120: 1 })), request(other, 'v2', entries(20))]);
      expect(order).toEqual([`chunks of ${BOARD} and ${other}`, `flip ${BOARD} and ${other}`]);
      expect(outcomes).toEqual([
        { changed: true, unreferenced: [], replacedNetworks: [] },
        { changed: true, unreferenced: [], replacedNetworks: [] },
      ]);
      expect(await wholeBoard()).toEqual(entries(150, { 120: 1 }));
      expect((await store.boardPointer(BOARD))!.chunks).toEqual(['v1', 'v2']);
      expect((await store.boardPointer(other))!.version).toBe('v2');
    });

    it('publish alone a board another writer flipped between the read and the flip, and flip the others', async () => {
      await publish('v1', entries(150));
      const { watching, order } = watch();
      let raced = false;
      watching.flipBoards = async (flips, flipGuard) => {
        order.push(`flip ${flips.map((flip) => flip.board).join(' and ')}`);
        if (!raced) {
          raced = true;
          await publish('v9', entries(150, { 10: 2 }));
        }
        return store.flipBoards(flips, flipGuard);
      };
      const outcomes = await publishBoards(watching, [request(BOARD, 'v2', entries(150, { 120: 1 })), request(other, 'v2', entries(20))]);
      expect(order).toEqual([`chunks of ${BOARD} and ${other}`, `flip ${BOARD} and ${other}`, `chunks of ${BOARD}`, `flip ${BOARD} alone`]);
      expect(outcomes.map((outcome) => (outcome as { changed: boolean }).changed)).toEqual([true, true]);
      expect((await store.boardPointer(other))!.version).toBe('v2');
      // Published against v9, what the board was when it flipped: v9's second chunk is v1's again.
      const pointer = (await store.boardPointer(BOARD))!;
      expect([pointer.version, pointer.previousVersion]).toEqual(['v2', 'v9']);
      expect(await wholeBoard()).toEqual(entries(150, { 120: 1 }));
    });

    it('answer the opt-outs that changed for every board, and flip none', async () => {
      await publish('v1', entries(150));
      await table.db.send(new PutCommand({ TableName: table.name, Item: { ...keys.optOutEpoch, epoch: 1 } }));
      const outcomes = await publishBoards(store, [request(BOARD, 'v2', entries(150, { 120: 1 })), request(other, 'v2', entries(20))]);
      expect(outcomes[0]).toBeInstanceOf(OptOutsChangedError);
      expect(outcomes[1]).toBeInstanceOf(OptOutsChangedError);
      expect((await store.boardPointer(BOARD))!.version).toBe('v1');
      expect(await store.boardPointer(other)).toBeNull();
    });

    it('flip each alone when flipping together fails, answering an error for the board whose flip is refused', async () => {
      await publish('v1', entries(150));
      const { watching, order } = watch();
      watching.flipBoards = async () => {
        order.push('flip together');
        throw new Error('Transaction request cannot include multiple operations on one item');
      };
      watching.flipBoard = async (board, ...rest) => {
        order.push(`flip ${board} alone`);
        if (board === other) throw new Error('refused');
        return store.flipBoard(board, ...rest);
      };
      const outcomes = await publishBoards(watching, [request(BOARD, 'v2', entries(150, { 120: 1 })), request(other, 'v2', entries(20))]);
      expect(order).toEqual([`chunks of ${BOARD} and ${other}`, 'flip together', `flip ${BOARD} alone`, `flip ${other} alone`]);
      expect(outcomes[0]).toMatchObject({ changed: true });
      expect(outcomes[1]).toEqual(new Error('refused'));
      expect(await wholeBoard()).toEqual(entries(150, { 120: 1 }));
      expect(await store.boardPointer(other)).toBeNull();
    });

    it('flip more boards than a transaction takes in one transaction per 98, and answer each transaction for its own boards', async () => {
      const names = Array.from({ length: 99 }, (_, i) => `lb:t${String(i).padStart(2, '0')}:*`);
      const { watching, order } = watch();
      const flipped: number[] = [];
      watching.flipBoards = async (flips, flipGuard) => {
        flipped.push(flips.length);
        // The second transaction is refused otherwise than by the guard: its board flips alone.
        if (flipped.length === 2) throw new Error('Transaction is ongoing for the item');
        return store.flipBoards(flips, flipGuard);
      };
      const outcomes = await publishBoards(
        watching,
        names.map((board) => request(board, 'v1', entries(1))),
      );
      expect(flipped).toEqual([98, 1]);
      expect(order.at(-1)).toBe(`flip ${names[98]} alone`);
      expect(outcomes.every((outcome) => !(outcome instanceof Error) && outcome.changed)).toBe(true);
      expect([...(await store.boardPointers(names)).values()].map((pointer) => pointer.version)).toEqual(names.map(() => 'v1'));
      await expect(
        store.flipBoards(
          names.map((board) => ({ board, pointer: { version: 'v2', count: 0, computedAt: '2026-12-03T00:00:03Z' }, keepReplaced: true, current: null })),
          guard,
        ),
      ).rejects.toThrow(RangeError);
    });
  });

  it('keep nothing of the replaced versions when told not to (a purge), and nothing at all once the board is deleted', async () => {
    await publish('v1', entries(350));
    await publish('v2', entries(350, { 250: 60 }));
    await publish('v3', entries(349), false);
    // v3 reuses the first two chunks; whatever else v1 and v2 stored is gone, and no previous version stays readable.
    expect(await storedChunks()).toEqual(['v1#0', 'v1#1', 'v3#2', 'v3#3']);
    expect(await store.boardPointer(BOARD)).not.toHaveProperty('previousVersion');
    expect(await store.boardPage(BOARD, 10, { version: 'v2', position: 0 })).toBeNull();

    await store.deleteBoard(BOARD);
    expect(await storedChunks()).toEqual([]);
    expect(await store.boardPointer(BOARD)).toBeNull();
  });
});
