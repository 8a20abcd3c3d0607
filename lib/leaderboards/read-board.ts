import { problems } from '../http/problem';
import type { BoardPage } from './board';
import { decodeCursor, encodeCursor } from './cursor';

export interface BoardReader {
  boardPage<T>(board: string, limit: number, after?: { version: string; rank: number }): Promise<BoardPage<T> | null>;
}

/**
 * One page of a board for the API: `items`, the cursor of the next page, and when the board was
 * computed. A board never computed is an empty page; a cursor that is malformed or points at a
 * version that is gone is a 400.
 */
export const readBoardPage = async <T>(
  reader: BoardReader,
  board: string,
  limit: number,
  cursor: string | undefined,
): Promise<{ items: (T & { rank: number })[]; nextCursor: string | null; computedAt: string | null }> => {
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  if (after === null) throw problems.badRequest('The cursor is not one this API gave out.');
  const page = await reader.boardPage<T>(board, limit, after && { version: after.v, rank: after.r });
  if (!page) {
    if (after) throw problems.badRequest('The cursor has expired: the board was recomputed twice since. Start again from the first page.');
    return { items: [], nextCursor: null, computedAt: null };
  }
  return {
    items: page.entries,
    nextCursor: page.lastRank === null ? null : encodeCursor({ v: page.pointer.version, r: page.lastRank }),
    computedAt: page.pointer.computedAt,
  };
};
