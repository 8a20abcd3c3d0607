import type { BoardsStore } from '../store/boards-store';
import type { FlipGuard } from './run-guard';

export interface PublishedBoard {
  changed: boolean;
  /** Versions no pointer references any more: the caller deletes them once the run is done with them. */
  unreferenced: string[];
  replacedNetworks: string[];
}

/**
 * Publishes a board's entries as a new version, unless the board already shows exactly these
 * entries: then nothing is written, so an unchanged board costs a run one read.
 */
export const publishBoard = async (
  boards: BoardsStore,
  board: string,
  entries: readonly Record<string, unknown>[],
  pointer: { version: string; computedAt: string; networks?: string[] },
  guard: FlipGuard,
  { keepReplaced }: { keepReplaced: boolean },
): Promise<PublishedBoard> => {
  const current = await boards.boardPointer(board);
  if (current && current.count === entries.length && sameNetworks(current.networks, pointer.networks)) {
    const page = await boards.boardPage<Record<string, unknown>>(board, Math.max(1, entries.length));
    if (page && JSON.stringify(page.entries) === JSON.stringify(entries)) return { changed: false, unreferenced: [], replacedNetworks: current.networks ?? [] };
  }
  await boards.writeBoard(board, pointer.version, entries);
  const { replaced, unreferenced } = await boards.flipBoard(board, { ...pointer, count: entries.length }, guard, { keepReplaced });
  return { changed: true, unreferenced, replacedNetworks: replaced?.networks ?? [] };
};

const sameNetworks = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
