import { createHash } from 'node:crypto';
import {
  BOARD_CHUNK_ENTRIES,
  BOARDS_PER_FLIP,
  chunkRefs,
  type BoardChunkRef,
  type BoardsStore,
  type FlippedBoard,
  type NewBoardPointer,
  type StoredBoardPointer,
} from '../../adapters/dynamodb/boards-store';
import { LeaseLostError, OptOutsChangedError, type FlipGuard } from '../../domain/recompute-run';

export interface PublishedBoard {
  changed: boolean;
  /** Chunks no pointer references any more: the caller deletes them once the run is done with them. */
  unreferenced: BoardChunkRef[];
  replacedNetworks: string[];
}

type Entry = Record<string, unknown>;

/** A board's entries to publish as a new version. */
export interface BoardRequest {
  board: string;
  entries: readonly Entry[];
  pointer: { version: string; computedAt: string; networks?: string[] };
  guard: FlipGuard;
  keepReplaced: boolean;
}

/** Entries as text to compare: DynamoDB gives a map's attributes back in an order of its own. */
const canonical = (entries: readonly Entry[]) =>
  JSON.stringify(entries.map((entry) => Object.fromEntries(Object.entries(entry).sort(([a], [b]) => (a < b ? -1 : 1)))));
const chunkOf = (entries: readonly Entry[], chunk: number) => canonical(entries.slice(chunk * BOARD_CHUNK_ENTRIES, (chunk + 1) * BOARD_CHUNK_ENTRIES));

/** A fingerprint of each chunk's entries. */
const chunkHashes = (entries: readonly Entry[]): string[] =>
  Array.from({ length: Math.ceil(entries.length / BOARD_CHUNK_ENTRIES) }, (_, chunk) => createHash('sha1').update(chunkOf(entries, chunk)).digest('base64url'));

/** What publishing a board against its current pointer takes: nothing, or these chunks written and a flip. */
type BoardPlan =
  | { unchanged: true; current: StoredBoardPointer }
  | { unchanged: false; current: StoredBoardPointer | null; hashes: string[]; chunks: string[]; reused: Set<number> };

/**
 * The board shows exactly these entries already, or which chunks of the new version hold the same
 * entries as the current version's: those are referenced where they are, not written again. The
 * chunks are compared by the fingerprints the pointer carries (a pointer stored before it carried
 * them: by reading the board).
 */
const planBoard = async (boards: BoardsStore, { board, entries, pointer }: BoardRequest, current: StoredBoardPointer | null): Promise<BoardPlan> => {
  const hashes = chunkHashes(entries);
  const shown = !current
    ? []
    : (current.chunkHashes ?? chunkHashes(current.count > 0 ? ((await boards.boardPage<Entry>(board, current.count))?.entries ?? []) : []));
  if (current && current.count === entries.length && sameNetworks(current.networks, pointer.networks) && sameList(shown, hashes))
    return { unchanged: true, current };
  const storedAt = current ? chunkRefs(current) : [];
  const chunks = hashes.map((hash, chunk) =>
    current && current.version !== pointer.version && chunk < storedAt.length && shown[chunk] === hash ? storedAt[chunk]!.version : pointer.version,
  );
  const reused = new Set(chunks.flatMap((version, chunk) => (version === pointer.version ? [] : [chunk])));
  return { unchanged: false, current, hashes, chunks, reused };
};

const unchangedBoard = (current: StoredBoardPointer): PublishedBoard => ({ changed: false, unreferenced: [], replacedNetworks: current.networks ?? [] });

const nextPointer = (request: BoardRequest, plan: Extract<BoardPlan, { unchanged: false }>): NewBoardPointer => ({
  ...request.pointer,
  count: request.entries.length,
  chunkHashes: plan.hashes,
  ...(plan.reused.size > 0 ? { chunks: plan.chunks } : {}),
});

const published = (flipped: FlippedBoard): PublishedBoard => ({
  changed: true,
  unreferenced: flipped.unreferenced,
  replacedNetworks: flipped.replaced?.networks ?? [],
});

/** Flips the board to the planned version, its chunks written; null when the board moved on since the plan's read. */
const flipPlanned = async (boards: BoardsStore, request: BoardRequest, plan: Extract<BoardPlan, { unchanged: false }>): Promise<PublishedBoard | null> => {
  const flipped = await boards.flipBoard(request.board, nextPointer(request, plan), request.guard, {
    keepReplaced: request.keepReplaced,
    basedOn: plan.current?.version ?? null,
    read: plan.current,
  });
  return flipped && published(flipped);
};

/**
 * Publishes a board's entries as a new version, unless the board already shows exactly these
 * entries: then nothing is written, so an unchanged board costs a run one read. A chunk of the new
 * version that holds the same entries as the current version's is not written again, so a change
 * near the bottom of a board rewrites the chunks from there on only.
 */
export const publishBoard = async (
  boards: BoardsStore,
  board: string,
  entries: readonly Entry[],
  pointer: BoardRequest['pointer'],
  guard: FlipGuard,
  { keepReplaced }: { keepReplaced: boolean },
): Promise<PublishedBoard> => {
  const request = { board, entries, pointer, guard, keepReplaced };
  for (;;) {
    const plan = await planBoard(boards, request, await boards.boardPointer(board));
    if (plan.unchanged) return unchangedBoard(plan.current);
    await boards.writeBoard(board, pointer.version, entries, plan.reused);
    // The board moved on between the read and the flip: publish against what it is now.
    const flipped = await flipPlanned(boards, request, plan);
    if (flipped) return flipped;
  }
};

/**
 * publishBoard of several boards (a map item's topics'), with their pointers read together, the
 * chunks of all of them written together, then their pointers flipped together (BoardsStore.flipBoards:
 * one transaction per BOARDS_PER_FLIP boards). A board that moved on since the read is published alone. When
 * flipping together fails otherwise, each board flips alone, so an error is answered for the board
 * whose flip is refused and the others flip. Throws when reading the pointers or writing the chunks
 * fails: then no board flipped.
 */
export const publishBoards = async (boards: BoardsStore, requests: readonly BoardRequest[]): Promise<(PublishedBoard | Error)[]> => {
  const pointers = await boards.boardPointers(requests.map((request) => request.board));
  const plans = await Promise.all(requests.map((request) => planBoard(boards, request, pointers.get(request.board) ?? null)));
  const changed = requests.flatMap((request, i) => {
    const plan = plans[i]!;
    return plan.unchanged ? [] : [{ request, plan }];
  });
  await boards.writeBoards(
    changed.map(({ request, plan }) => ({ board: request.board, version: request.pointer.version, entries: request.entries, reused: plan.reused })),
  );
  const flips = await flipTogether(boards, changed);
  const outcomes = new Map<BoardRequest, PublishedBoard | Error>();
  for (const [i, { request, plan }] of changed.entries()) {
    try {
      const flip = flips[i];
      if (flip instanceof Error) throw flip;
      outcomes.set(
        request,
        (flip === undefined ? await flipPlanned(boards, request, plan) : flip && published(flip)) ??
          (await publishBoard(boards, request.board, request.entries, request.pointer, request.guard, { keepReplaced: request.keepReplaced })),
      );
    } catch (error) {
      outcomes.set(request, error instanceof Error ? error : new Error(String(error)));
    }
  }
  return requests.map((request, i) => {
    const plan = plans[i]!;
    return plan.unchanged ? unchangedBoard(plan.current) : outcomes.get(request)!;
  });
};

/**
 * The planned flips of boards under one guard, BOARDS_PER_FLIP at a time: each one's outcome (null:
 * the board moved on); the guard's error for each board of a transaction the guard refused; or
 * nothing, each to flip alone, for the boards of a transaction that failed otherwise, or when the
 * boards are not all under one guard.
 */
const flipTogether = async (
  boards: BoardsStore,
  changed: readonly { request: BoardRequest; plan: Extract<BoardPlan, { unchanged: false }> }[],
): Promise<(FlippedBoard | null | Error | undefined)[]> => {
  const guard = changed[0]?.request.guard;
  if (!guard || changed.some(({ request }) => !sameGuard(request.guard, guard)) || new Set(changed.map(({ request }) => request.board)).size < changed.length)
    return [];
  const outcomes: (FlippedBoard | null | Error | undefined)[] = [];
  for (let start = 0; start < changed.length; start += BOARDS_PER_FLIP) {
    const batch = changed.slice(start, start + BOARDS_PER_FLIP);
    try {
      outcomes.push(
        ...(await boards.flipBoards(
          batch.map(({ request, plan }) => ({
            board: request.board,
            pointer: nextPointer(request, plan),
            keepReplaced: request.keepReplaced,
            current: plan.current,
          })),
          guard,
        )),
      );
    } catch (error) {
      const refused = error instanceof LeaseLostError || error instanceof OptOutsChangedError;
      outcomes.push(...batch.map(() => (refused ? error : undefined)));
    }
  }
  return outcomes;
};

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((item, i) => item === b[i]);
const sameGuard = (a: FlipGuard, b: FlipGuard): boolean => a.runId === b.runId && a.optOutEpoch === b.optOutEpoch;
const sameNetworks = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean => sameList(a ?? [], b ?? []);
