import type { EngagementType } from '../interactions/schema';

/** Counts of engagements of one engager with one author's content, in one topic, on one day. */
export interface EngagementAggregate {
  author: string;
  engager: string;
  /** YYYY-MM-DD (UTC) of the engagements. */
  day: string;
  counts: Partial<Record<EngagementType, number>>;
}

/** Posts of one author in one topic on one day. */
export interface PostAggregate {
  author: string;
  day: string;
  posts: number;
}

/** Responses to one piece of content of an author in one topic on one day. */
export interface ContentAggregate {
  author: string;
  contentId: string;
  /** YYYY-MM-DD (UTC) of the responses. */
  day: string;
  responses: number;
}

/** Engagement aggregate rows as columns: row r is engager → author on day, with its counts by type. */
export interface EngagementColumns {
  length: number;
  author: Uint32Array;
  engager: Uint32Array;
  /** Days since 1970-01-01 (UTC). */
  day: Int32Array;
  reply: Uint32Array;
  quote: Uint32Array;
  share: Uint32Array;
  like: Uint32Array;
  mention: Uint32Array;
  follow: Uint32Array;
}

/** Post aggregate rows as columns: `count` posts of `author` on `day`. */
export interface PostColumns {
  length: number;
  author: Uint32Array;
  /** Days since 1970-01-01 (UTC). */
  day: Int32Array;
  count: Uint32Array;
}

/**
 * A topic's aggregates as scoring reads them: columns, with accounts dictionary-encoded. Rows may
 * come in any order and may repeat an (author, engager, day) or (author, day): they are summed.
 */
export interface TopicAggregates {
  /**
   * Account names (`network:id`), distinct and sorted in UTF-16 code unit order (the order of
   * Array.prototype.sort and of `<` on strings); the columns' account indices point into it.
   * Scoring orders accounts by index, so it never compares or hashes names.
   */
  accounts: string[];
  edges: EngagementColumns;
  posts: PostColumns;
}

export const ENGAGEMENT_COUNT_COLUMNS = ['reply', 'quote', 'share', 'like', 'mention', 'follow'] as const satisfies readonly EngagementType[];

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a YYYY-MM-DD (UTC) day. */
export const dayNumberOf = (day: string): number => Date.parse(`${day}T00:00:00Z`) / DAY_MS;

export const emptyEngagementColumns = (length: number): EngagementColumns => ({
  length,
  author: new Uint32Array(length),
  engager: new Uint32Array(length),
  day: new Int32Array(length),
  reply: new Uint32Array(length),
  quote: new Uint32Array(length),
  share: new Uint32Array(length),
  like: new Uint32Array(length),
  mention: new Uint32Array(length),
  follow: new Uint32Array(length),
});

export const emptyPostColumns = (length: number): PostColumns => ({
  length,
  author: new Uint32Array(length),
  day: new Int32Array(length),
  count: new Uint32Array(length),
});

/** Columnar aggregates from aggregate objects: for tests, the demo, and anything that holds objects. */
export const topicAggregatesOf = (edges: readonly EngagementAggregate[], posts: readonly PostAggregate[]): TopicAggregates => {
  const names = new Set<string>();
  for (const edge of edges) names.add(edge.author).add(edge.engager);
  for (const post of posts) names.add(post.author);
  const accounts = [...names].sort();
  const indexOf = new Map<string, number>();
  accounts.forEach((account, index) => {
    indexOf.set(account, index);
  });
  const days = new Map<string, number>();
  const dayOf = (day: string): number => {
    let number = days.get(day);
    if (number === undefined) {
      number = dayNumberOf(day);
      days.set(day, number);
    }
    return number;
  };

  const edgeColumns = emptyEngagementColumns(edges.length);
  edges.forEach((edge, r) => {
    edgeColumns.author[r] = indexOf.get(edge.author)!;
    edgeColumns.engager[r] = indexOf.get(edge.engager)!;
    edgeColumns.day[r] = dayOf(edge.day);
    for (const type of ENGAGEMENT_COUNT_COLUMNS) edgeColumns[type][r] = edge.counts[type] ?? 0;
  });
  const postColumns = emptyPostColumns(posts.length);
  posts.forEach((post, r) => {
    postColumns.author[r] = indexOf.get(post.author)!;
    postColumns.day[r] = dayOf(post.day);
    postColumns.count[r] = post.posts;
  });
  return { accounts, edges: edgeColumns, posts: postColumns };
};

/**
 * The rows of `input` that an incremental run needs to rescore `authors`: every engagement whose
 * author or engager is one of them (the engager side shows which pairs are returned), and their
 * posts. The recompute selects the same rows in its query; this is for tests and the demo.
 */
export const aggregatesTouching = (input: TopicAggregates, authors: Iterable<string>): TopicAggregates => {
  const wanted = new Uint8Array(input.accounts.length);
  for (const author of authors) {
    const index = indexOfAccount(input.accounts, author);
    if (index >= 0) wanted[index] = 1;
  }
  const { edges, posts } = input;
  const edgeRows: number[] = [];
  for (let r = 0; r < edges.length; r++) if (wanted[edges.author[r]!] || wanted[edges.engager[r]!]) edgeRows.push(r);
  const postRows: number[] = [];
  for (let r = 0; r < posts.length; r++) if (wanted[posts.author[r]!]) postRows.push(r);

  // Only the accounts the kept rows name, renumbered in the same (name) order.
  const used = new Int32Array(input.accounts.length).fill(-1);
  for (const r of edgeRows) used[edges.author[r]!] = used[edges.engager[r]!] = 0;
  for (const r of postRows) used[posts.author[r]!] = 0;
  const accounts: string[] = [];
  for (let i = 0; i < used.length; i++) if (used[i] === 0) used[i] = accounts.push(input.accounts[i]!) - 1;

  const edgeColumns = emptyEngagementColumns(edgeRows.length);
  edgeRows.forEach((r, j) => {
    edgeColumns.author[j] = used[edges.author[r]!]!;
    edgeColumns.engager[j] = used[edges.engager[r]!]!;
    edgeColumns.day[j] = edges.day[r]!;
    for (const type of ENGAGEMENT_COUNT_COLUMNS) edgeColumns[type][j] = edges[type][r]!;
  });
  const postColumns = emptyPostColumns(postRows.length);
  postRows.forEach((r, j) => {
    postColumns.author[j] = used[posts.author[r]!]!;
    postColumns.day[j] = posts.day[r]!;
    postColumns.count[j] = posts.count[r]!;
  });
  return { accounts, edges: edgeColumns, posts: postColumns };
};

/** Position of `account` in a sorted, distinct list of accounts, or −1. */
export const indexOfAccount = (accounts: readonly string[], account: string): number => {
  let low = 0;
  let high = accounts.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const candidate = accounts[middle]!;
    if (candidate === account) return middle;
    if (candidate < account) low = middle + 1;
    else high = middle;
  }
  return -1;
};
