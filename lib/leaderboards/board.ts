/** A board is a versioned, ranked list: a leaderboard or the topic list. */
export interface BoardPointer {
  version: string;
  count: number;
  computedAt: string;
}

export interface BoardPage<T> {
  entries: (T & { rank: number })[];
  /** Rank of the last entry when more follow, else null. */
  lastRank: number | null;
  pointer: BoardPointer;
}

/** Boards keep their top entries only; an account's own rank is in its score item whatever its place. */
export const MAX_BOARD_ENTRIES = 1000;
