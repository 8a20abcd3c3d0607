import { gunzipSync, gzipSync } from 'node:zlib';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BoardPointer } from '../../domain/leaderboards/board';
import { LeaseLostError, OptOutsChangedError, type FlipGuard } from '../../domain/recompute-run';
import { keys } from './keys';
import type { Table, TransactItem } from './table';

/** Entries per stored chunk: a page of up to 100 reads one chunk or two. */
export const BOARD_CHUNK_ENTRIES = 100;

/**
 * A board pointer as stored: the version readers see, the one before it for open cursors, and a
 * topic board's per-network boards. A version reuses the chunks of the version before it that hold
 * the same entries: `chunks` names the version each chunk is stored under (absent: all under
 * `version`). `chunkHashes` fingerprints each chunk's entries, so a run tells which chunks its
 * board changes from the pointer alone, without reading the board.
 */
export interface StoredBoardPointer extends BoardPointer {
  chunks?: string[];
  chunkHashes?: string[];
  previousVersion?: string;
  previousCount?: number;
  previousComputedAt?: string;
  previousChunks?: string[];
  networks?: string[];
}

/** A new version of a board to store: its entries, but for the chunks in `reused` (stored under an earlier version). */
export interface BoardWrite {
  board: string;
  version: string;
  entries: readonly Record<string, unknown>[];
  reused?: ReadonlySet<number>;
}

/** One stored chunk: the version it was written under and its place in the board. */
export interface BoardChunkRef {
  version: string;
  chunk: number;
}

/** A board's next pointer as a run stores it. */
export type NewBoardPointer = BoardPointer & { chunks?: string[]; chunkHashes?: string[]; networks?: string[] };

/** A flip of `board` to `pointer`, against the pointer it was read as (null: never published). */
export interface BoardFlip {
  board: string;
  pointer: NewBoardPointer;
  keepReplaced: boolean;
  current: StoredBoardPointer | null;
}

/** What a flip replaced, and the chunks no pointer references any more: the caller deletes them once the run is done with them. */
export interface FlippedBoard {
  replaced: StoredBoardPointer | null;
  unreferenced: BoardChunkRef[];
}

/** The chunks a version of a board reads: chunk `i` of `count` entries, from the version that stored it. */
export const chunkRefs = ({ version, count, chunks }: { version: string; count: number; chunks?: readonly string[] | undefined }): BoardChunkRef[] =>
  Array.from({ length: Math.ceil(count / BOARD_CHUNK_ENTRIES) }, (_, chunk) => ({ version: chunks?.[chunk] ?? version, chunk }));

const refKey = ({ version, chunk }: BoardChunkRef) => `${version}#${chunk}`;

/**
 * A chunk's entries as stored: gzipped JSON, about a fifth of their size as a list of maps.
 * DynamoDB bills a write and a read by the item's size, and most chunks of a board change
 * whenever anyone's rank does, so a run writes (and later deletes) hundreds of them.
 */
const packEntries = (entries: readonly Record<string, unknown>[]): Uint8Array => gzipSync(JSON.stringify(entries));

/** A stored chunk's entries: packed, or as a list of maps in a chunk written before they were packed. */
export const chunkEntries = <T>(item: Record<string, unknown>): T[] =>
  item.packedEntries instanceof Uint8Array ? (JSON.parse(gunzipSync(item.packedEntries).toString('utf8')) as T[]) : ((item.entries ?? []) as T[]);

export interface BoardPage<T> {
  entries: T[];
  /** Position of the first entry after this page, or null at the end. */
  nextPosition: number | null;
  version: string;
  computedAt: string;
}

/** A topic's scores as counts per score (in tenths), best first: an account's rank is 1 + the count of better scores. */
export type RankCounts = [scoreTenths: number, accounts: number][];

const toPointer = (item: Record<string, unknown>): StoredBoardPointer => ({
  version: String(item.version),
  count: Number(item.count),
  computedAt: String(item.computedAt),
  ...(typeof item.previousVersion === 'string' ? { previousVersion: item.previousVersion } : {}),
  ...(typeof item.previousCount === 'number' ? { previousCount: item.previousCount } : {}),
  ...(typeof item.previousComputedAt === 'string' ? { previousComputedAt: item.previousComputedAt } : {}),
  ...(Array.isArray(item.chunks) ? { chunks: item.chunks as string[] } : {}),
  ...(Array.isArray(item.chunkHashes) ? { chunkHashes: item.chunkHashes as string[] } : {}),
  ...(Array.isArray(item.previousChunks) ? { previousChunks: item.previousChunks as string[] } : {}),
  ...(Array.isArray(item.networks) ? { networks: item.networks as string[] } : {}),
});

/**
 * Leaderboards and the topic list as versioned boards stored in chunks of 100 entries: a new
 * version is written (each chunk that differs from the version before), then its pointer flips;
 * readers see a whole board, old or new. And each topic's rank index, from which an account's rank
 * is read rather than copied into its item.
 */
export class BoardsStore {
  constructor(private readonly table: Table) {}

  /** Stores the chunks of `entries` under `version`, except those in `reused` (stored under an earlier version). */
  async writeBoard(board: string, version: string, entries: readonly Record<string, unknown>[], reused: ReadonlySet<number> = new Set()): Promise<void> {
    await this.writeBoards([{ board, version, entries, reused }]);
  }

  /** writeBoard of several boards, their chunks written together. */
  async writeBoards(writes: readonly BoardWrite[]): Promise<void> {
    const chunks: Record<string, unknown>[] = [];
    for (const { board, version, entries, reused = new Set() } of writes) {
      for (let start = 0; start < entries.length; start += BOARD_CHUNK_ENTRIES) {
        const chunk = start / BOARD_CHUNK_ENTRIES;
        if (!reused.has(chunk))
          chunks.push({ ...keys.boardChunk(board, version, chunk), packedEntries: packEntries(entries.slice(start, start + BOARD_CHUNK_ENTRIES)) });
      }
    }
    await this.table.putAll(chunks);
  }

  async boardPointer(board: string): Promise<StoredBoardPointer | null> {
    const { Item } = await this.table.db.send(new GetCommand({ TableName: this.table.name, Key: keys.boardPointer(board), ConsistentRead: true }));
    return Item ? toPointer(Item) : null;
  }

  /** The pointers of these boards, read together (consistently); a board without one is not in the map. */
  async boardPointers(boardNames: readonly string[]): Promise<Map<string, StoredBoardPointer>> {
    const items = await this.table.batchGetAll(
      [...new Set(boardNames)].map((board) => keys.boardPointer(board)),
      undefined,
      { consistent: true },
    );
    return new Map(items.map((item) => [String(item.board), toPointer(item)]));
  }

  /**
   * Makes `pointer.version` the board readers see — in one transaction with checks that the run
   * still holds its lease and that no account opted out since the run read the opt-outs
   * (LeaseLostError, OptOutsChangedError otherwise, and nothing changed). The replaced version
   * stays readable for open cursors until the next flip, unless `keepReplaced` is false. Returns
   * the pointer it replaced and the chunks no pointer references any more; or null, and nothing
   * changed, when the board is no longer at `basedOn`, the version whose chunks `pointer` reuses.
   * `read`: the pointer as the caller just read it, tried first instead of reading it again (a
   * flip that finds the board moved on reads it then).
   */
  async flipBoard(
    board: string,
    pointer: NewBoardPointer,
    guard: FlipGuard,
    { keepReplaced, basedOn, read }: { keepReplaced: boolean; basedOn?: string | null; read?: StoredBoardPointer | null },
  ): Promise<FlippedBoard | null> {
    let known = read;
    for (;;) {
      const current = known !== undefined ? known : await this.boardPointer(board);
      known = undefined;
      if (basedOn !== undefined && (current?.version ?? null) !== basedOn) return null;
      const flip = { board, pointer, keepReplaced, current };
      const outcome = await this.table.transact([...this.guardChecks(guard), this.pointerPut(flip)]);
      if (outcome === 'committed') return flipped(flip);
      throwIfGuardFailed(outcome.failedConditions);
      // Another writer flipped it between the read and now: read again.
    }
  }

  /**
   * flipBoard of up to BOARDS_PER_FLIP boards, each against the pointer `current` it was read as:
   * their pointers flip together, in one transaction under one check of the guard. Answers each
   * flip's outcome in order, or null for a board no longer at `current` (the others flip without
   * it). Throws LeaseLostError or OptOutsChangedError, and nothing changed, as flipBoard does.
   */
  async flipBoards(flips: readonly BoardFlip[], guard: FlipGuard): Promise<(FlippedBoard | null)[]> {
    if (flips.length > BOARDS_PER_FLIP) throw new RangeError(`${flips.length} boards to flip together: a transaction takes ${BOARDS_PER_FLIP}`);
    const movedOn = new Set<number>();
    for (;;) {
      const flipping = flips.flatMap((_, i) => (movedOn.has(i) ? [] : [i]));
      if (flipping.length === 0) break;
      const outcome = await this.table.transact([...this.guardChecks(guard), ...flipping.map((i) => this.pointerPut(flips[i]!))]);
      if (outcome === 'committed') break;
      throwIfGuardFailed(outcome.failedConditions);
      for (const index of outcome.failedConditions) movedOn.add(flipping[index - GUARD_CHECKS]!);
    }
    return flips.map((flip, i) => (movedOn.has(i) ? null : flipped(flip)));
  }

  /** The checks every flip makes in its transaction: the run holds the lease, and no opt-out came since it read them. */
  private guardChecks(guard: FlipGuard): TransactItem[] {
    return [
      {
        ConditionCheck: {
          TableName: this.table.name,
          Key: keys.runLock,
          ConditionExpression: 'runId = :runId AND leaseUntil >= :now',
          ExpressionAttributeValues: { ':runId': guard.runId, ':now': Date.now() },
        },
      },
      {
        ConditionCheck: {
          TableName: this.table.name,
          Key: keys.optOutEpoch,
          ConditionExpression: guard.optOutEpoch === 0 ? 'attribute_not_exists(epoch) OR epoch = :epoch' : 'epoch = :epoch',
          ExpressionAttributeValues: { ':epoch': guard.optOutEpoch },
        },
      },
    ];
  }

  /** The new pointer, put on condition that the board is still at `current`. */
  private pointerPut({ board, pointer, keepReplaced, current }: BoardFlip): TransactItem {
    const replacing = current && keepReplaced && current.version !== pointer.version;
    return {
      Put: {
        TableName: this.table.name,
        Item: {
          ...keys.boardPointer(board),
          board,
          ...pointer,
          ...(replacing
            ? {
                previousVersion: current.version,
                previousCount: current.count,
                previousComputedAt: current.computedAt,
                ...(current.chunks ? { previousChunks: current.chunks } : {}),
              }
            : {}),
        },
        ConditionExpression: current ? 'version = :current' : 'attribute_not_exists(pk)',
        ...(current ? { ExpressionAttributeValues: { ':current': current.version } } : {}),
      },
    };
  }

  async deleteChunks(board: string, refs: readonly BoardChunkRef[]): Promise<void> {
    await this.deleteChunksOfBoards([{ board, refs }]);
  }

  /** deleteChunks of several boards, together. */
  async deleteChunksOfBoards(list: readonly { board: string; refs: readonly BoardChunkRef[] }[]): Promise<void> {
    await this.table.deleteAll(list.flatMap(({ board, refs }) => refs.map(({ version, chunk }) => keys.boardChunk(board, version, chunk))));
  }

  /** A board and every version of it, as if it had never been computed. */
  async deleteBoard(board: string): Promise<void> {
    const pointer = await this.boardPointer(board);
    if (!pointer) return;
    await this.table.db.send(new DeleteCommand({ TableName: this.table.name, Key: keys.boardPointer(board) }));
    const versions = new Set([
      pointer.version,
      ...(pointer.previousVersion ? [pointer.previousVersion] : []),
      ...[...chunkRefs(pointer), ...previousRefs(pointer)].map((ref) => ref.version),
    ]);
    for (const version of versions) {
      const chunks = await this.table.partition(keys.boardPartition(board, version));
      await this.table.deleteAll(chunks.map((chunk) => ({ pk: String(chunk.pk), sk: String(chunk.sk) })));
    }
  }

  /**
   * Up to `limit` entries from `position` of the current version, or of the version a cursor
   * pinned. Null when the board was never computed, or the pinned version is gone.
   */
  async boardPage<T>(board: string, limit: number, after?: { version: string; position: number }, attempt = 1): Promise<BoardPage<T> | null> {
    const pointer = await this.boardPointer(board);
    if (!pointer) return null;
    const version = after?.version ?? pointer.version;
    const current = version === pointer.version;
    if (!current && version !== pointer.previousVersion) return null;
    const count = current ? pointer.count : (pointer.previousCount ?? 0);
    const start = after?.position ?? 0;
    const end = Math.min(count, start + limit);
    const refs = (current ? chunkRefs(pointer) : previousRefs(pointer)).slice(Math.floor(start / BOARD_CHUNK_ENTRIES), Math.ceil(end / BOARD_CHUNK_ENTRIES));
    const chunkKeys = refs.map((ref) => keys.boardChunk(board, ref.version, ref.chunk));
    const chunks = (await this.table.batchGetAll(chunkKeys)).sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : 1));
    if (chunks.length < chunkKeys.length) {
      // Runs flipped the board past this version while it was read: read it again as it is now.
      if (!samePointer(pointer, await this.boardPointer(board)) && attempt < MAX_PAGE_ATTEMPTS) return this.boardPage(board, limit, after, attempt + 1);
      // A version its pointer names, with entries missing: never served as a shorter board.
      throw new Error(`board ${board}, version ${version}: ${chunkKeys.length - chunks.length} of its chunks are missing`);
    }
    const first = Math.floor(start / BOARD_CHUNK_ENTRIES) * BOARD_CHUNK_ENTRIES;
    const entries = chunks.flatMap((chunk) => chunkEntries<T>(chunk)).slice(start - first, end - first);
    return {
      entries,
      nextPosition: end < count ? end : null,
      version,
      computedAt: current ? pointer.computedAt : (pointer.previousComputedAt ?? pointer.computedAt),
    };
  }

  /** The rank index of each of these topics, written together. */
  async writeRankCountsOfTopics(list: readonly { topic: string; counts: RankCounts }[], computedAt: string): Promise<void> {
    await this.table.putAll(list.map(({ topic, counts }) => ({ ...keys.rankIndex(topic), counts, computedAt })));
  }

  /** Each topic's rank index and the run time it is of. */
  async rankCounts(topics: readonly string[]): Promise<Map<string, { counts: RankCounts; computedAt: string }>> {
    const items = await this.table.batchGetAll(topics.map((topic) => keys.rankIndex(topic)));
    return new Map(items.map((item) => [String(item.pk).slice('RANK#'.length), { counts: item.counts as RankCounts, computedAt: String(item.computedAt) }]));
  }

  async deleteRankCounts(topic: string): Promise<void> {
    await this.table.db.send(new DeleteCommand({ TableName: this.table.name, Key: keys.rankIndex(topic) }));
  }
}

const MAX_PAGE_ATTEMPTS = 3;
/** A transaction's first items are the guard's two checks. */
const GUARD_CHECKS = 2;
/** Boards flipBoards flips in one transaction: TransactWriteItems takes 100 items, the guard's checks and 98 pointers. */
export const BOARDS_PER_FLIP = 100 - GUARD_CHECKS;

const throwIfGuardFailed = (failedConditions: readonly number[]): void => {
  if (failedConditions.includes(0)) throw new LeaseLostError();
  if (failedConditions.includes(1)) throw new OptOutsChangedError();
};

/** What a committed flip replaced, and the chunks no pointer references any more. */
const flipped = ({ pointer, keepReplaced, current }: BoardFlip): FlippedBoard => {
  const replacing = current && keepReplaced && current.version !== pointer.version;
  const live = [...chunkRefs(pointer), ...(replacing ? chunkRefs(current) : [])];
  const dropped = current ? [...previousRefs(current), ...(replacing ? [] : chunkRefs(current))] : [];
  const liveKeys = new Set(live.map(refKey));
  const unreferenced = [...new Map(dropped.filter((ref) => !liveKeys.has(refKey(ref))).map((ref) => [refKey(ref), ref])).values()];
  return { replaced: current, unreferenced };
};

const previousRefs = (pointer: StoredBoardPointer): BoardChunkRef[] =>
  pointer.previousVersion ? chunkRefs({ version: pointer.previousVersion, count: pointer.previousCount ?? 0, chunks: pointer.previousChunks }) : [];
const samePointer = (a: StoredBoardPointer, b: StoredBoardPointer | null): boolean =>
  b !== null && a.version === b.version && a.previousVersion === b.previousVersion;

/** An account's rank with this score: 1 + how many accounts of the topic score higher. */
export const rankOf = (counts: RankCounts, score: number): number => {
  const tenths = Math.round(score * 10);
  let better = 0;
  for (const [scoreTenths, accounts] of counts) {
    if (scoreTenths <= tenths) break;
    better += accounts;
  }
  return better + 1;
};
