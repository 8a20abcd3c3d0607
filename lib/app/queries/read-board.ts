import type { BoardPage } from '../../adapters/dynamodb/boards-store';
import { boards } from '../../adapters/dynamodb/keys';
import { decodeCursor, encodeCursor } from '../../domain/leaderboards/cursor';
import { InvalidInputError } from '../../domain/errors';

export interface BoardReader {
  boardPage<T>(board: string, limit: number, after?: { version: string; position: number }): Promise<BoardPage<T> | null>;
  boardPointer(board: string): Promise<{ networks?: string[] } | null>;
}

/**
 * The board of a topic, or of a topic on one network. A topic whose accounts are all on one network
 * keeps no board of its own for it (its run writes one board, not two): the topic's board is it.
 */
export const leaderboardOf = async (reader: Pick<BoardReader, 'boardPointer'>, topic: string, network?: string): Promise<string> => {
  if (network === undefined) return boards.leaderboard(topic);
  const networks = (await reader.boardPointer(boards.leaderboard(topic)))?.networks ?? [];
  return networks.length === 1 && networks[0] === network ? boards.leaderboard(topic) : boards.leaderboard(topic, network);
};

/**
 * One page of a board for the API: `items`, the cursor of the next page, and when the board was
 * computed. A board never computed is an empty page; a cursor that is malformed or points at a
 * version that is gone is an `InvalidInputError` (a 400).
 */
export const readBoardPage = async <T>(
  reader: BoardReader,
  board: string,
  limit: number,
  cursor: string | undefined,
): Promise<{ items: T[]; nextCursor: string | null; computedAt: string | null }> => {
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  if (after === null) throw new InvalidInputError('The cursor is not one this API gave out.');
  const page = await reader.boardPage<T>(board, limit, after && { version: after.v, position: after.p });
  if (!page) {
    if (after) throw new InvalidInputError('The cursor has expired: the board was recomputed twice since. Start again from the first page.');
    return { items: [], nextCursor: null, computedAt: null };
  }
  return {
    items: page.entries,
    nextCursor: page.nextPosition === null ? null : encodeCursor({ v: page.version, p: page.nextPosition }),
    computedAt: page.computedAt,
  };
};
