/** A board is a versioned, ranked list: a leaderboard or the topic list. */
export interface BoardPointer {
  version: string;
  count: number;
  computedAt: string;
}

/** Boards keep their top entries only; an account's rank in a topic comes from the topic's rank index, whatever its place. */
export const MAX_BOARD_ENTRIES = 1000;
