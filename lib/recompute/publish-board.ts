import { createHash } from 'node:crypto';
import { BOARD_CHUNK_ENTRIES, chunkRefs, type BoardChunkRef, type BoardsStore } from '../store/boards-store';
import type { FlipGuard } from './run-guard';

export interface PublishedBoard {
  changed: boolean;
  /** Chunks no pointer references any more: the caller deletes them once the run is done with them. */
  unreferenced: BoardChunkRef[];
  replacedNetworks: string[];
}

type Entry = Record<string, unknown>;
/** Entries as text to compare: DynamoDB gives a map's attributes back in an order of its own. */
const canonical = (entries: readonly Entry[]) => JSON.stringify(entries.map((entry) => Object.fromEntries(Object.entries(entry).sort(([a], [b]) => (a < b ? -1 : 1)))));
const chunkOf = (entries: readonly Entry[], chunk: number) => canonical(entries.slice(chunk * BOARD_CHUNK_ENTRIES, (chunk + 1) * BOARD_CHUNK_ENTRIES));

/** A fingerprint of each chunk's entries. */
const chunkHashes = (entries: readonly Entry[]): string[] =>
  Array.from({ length: Math.ceil(entries.length / BOARD_CHUNK_ENTRIES) }, (_, chunk) => createHash('sha1').update(chunkOf(entries, chunk)).digest('base64url'));

/**
 * Publishes a board's entries as a new version, unless the board already shows exactly these
 * entries: then nothing is written, so an unchanged board costs a run one read. A chunk of the new
 * version that holds the same entries as the current version's is not written again but referenced
 * where it is, so a change near the bottom of a board rewrites the chunks from there on only. The
 * chunks are compared by the fingerprints the pointer carries (a pointer stored before it carried
 * them: by reading the board).
 */
export const publishBoard = async (
  boards: BoardsStore,
  board: string,
  entries: readonly Entry[],
  pointer: { version: string; computedAt: string; networks?: string[] },
  guard: FlipGuard,
  { keepReplaced }: { keepReplaced: boolean },
): Promise<PublishedBoard> => {
  const wanted = chunkHashes(entries);
  for (;;) {
    const current = await boards.boardPointer(board);
    const shown = !current ? [] : (current.chunkHashes ?? chunkHashes(current.count > 0 ? ((await boards.boardPage<Entry>(board, current.count))?.entries ?? []) : []));
    if (current && current.count === entries.length && sameNetworks(current.networks, pointer.networks) && sameList(shown, wanted)) {
      return { changed: false, unreferenced: [], replacedNetworks: current.networks ?? [] };
    }
    const storedAt = current ? chunkRefs(current) : [];
    const chunks = wanted.map((hash, chunk) => (current && current.version !== pointer.version && chunk < storedAt.length && shown[chunk] === hash ? storedAt[chunk]!.version : pointer.version));
    const reused = new Set(chunks.flatMap((version, chunk) => (version === pointer.version ? [] : [chunk])));
    await boards.writeBoard(board, pointer.version, entries, reused);
    const flipped = await boards.flipBoard(
      board,
      { ...pointer, count: entries.length, chunkHashes: wanted, ...(reused.size > 0 ? { chunks } : {}) },
      guard,
      { keepReplaced, basedOn: current?.version ?? null, read: current },
    );
    // The board moved on between the read and the flip: publish against what it is now.
    if (!flipped) continue;
    return { changed: true, unreferenced: flipped.unreferenced, replacedNetworks: flipped.replaced?.networks ?? [] };
  }
};

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((item, i) => item === b[i]);
const sameNetworks = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean => sameList(a ?? [], b ?? []);
