/**
 * From a topic's columnar aggregates to its engagement pairs engager → author: the part of scoring
 * that both the full pass and incremental rescoring run on their input, so that the same rows give
 * the same pairs, bit for bit.
 */
import type { TopicAggregates } from './engagement';
import type { ScoringModel } from './model';

const DAY_MS = 86_400_000;

/** A day's decay at `asOf`: `2^(−age / half-life)` inside the window, 0 outside it, 1 for days after `asOf`. */
export type DayDecay = (day: number) => number;

export const dayDecay = (asOf: Date, constants: ScoringModel): DayDecay => {
  const today = asOf.getTime() / DAY_MS;
  // A table over the window; days before it decay to 0, days after `asOf` have age 0.
  const first = Math.floor(today - constants.windowDays) - 1;
  const last = Math.ceil(today) + 1;
  const table = new Float64Array(last - first + 1);
  for (let day = first; day <= last; day++) {
    const age = Math.max(0, today - day);
    table[day - first] = age > constants.windowDays ? 0 : 2 ** (-age / constants.halfLifeDays);
  }
  return (day) => (day < first ? 0 : day > last ? 1 : table[day - first]!);
};

/**
 * A topic's pairs engager → author in the window, self-engagement left out. Accounts get local
 * indices 0..accountCount-1 in name order (the order of the input's dictionary), so everything
 * downstream is independent of the order of the rows.
 */
export interface TopicPairs {
  accountCount: number;
  /** Local account → its index in the input's `accounts`. */
  inputAccount: Uint32Array;
  /** Input account → local index, −1 for accounts no kept row names. */
  localAccount: Int32Array;
  count: number;
  /** Ordered by (engager, author); engager e's pairs are `engagerStart[e]..engagerStart[e+1]`. */
  engager: Uint32Array;
  author: Uint32Array;
  engagerStart: Uint32Array;
  /** Σ over the pair's days, in day order, of decay × Σ_types weight × count. */
  engagement: Float64Array;
  /** Decayed follows. */
  follow: Float64Array;
  /** Interactions of every type, not decayed: what the explanation shows. */
  interactions: Float64Array;
}

/**
 * The kept rows (input row indices) ordered by (engager, author, day), with each one's author
 * (input index) alongside; local engager e's rows are `order[start[e]..start[e+1])`.
 */
export interface EngagerRows {
  order: Uint32Array;
  author: Uint32Array;
  start: Uint32Array;
}

/** A key in 0..count-1 per day, in day order: the offset from the first day, or ranks when the days span too far. */
const dayKeys = (days: Int32Array, rows: Uint32Array): { count: number; keyOf: (day: number) => number } => {
  let min = Infinity;
  let max = -Infinity;
  for (let j = 0; j < rows.length; j++) {
    const day = days[rows[j]!]!;
    if (day < min) min = day;
    if (day > max) max = day;
  }
  if (rows.length === 0) return { count: 1, keyOf: () => 0 };
  if (max - min < 1 << 16) return { count: max - min + 1, keyOf: (day) => day - min };
  const distinct = [...new Set(Array.from(rows, (row) => days[row]!))].sort((a, b) => a - b);
  const rank = new Map(distinct.map((day, position) => [day, position]));
  return { count: distinct.length, keyOf: (day) => rank.get(day)! };
};

/** Exclusive prefix sums of a histogram (length keys + 1), in place. */
const prefixSums = (start: Uint32Array): Uint32Array => {
  for (let k = 0; k + 1 < start.length; k++) start[k + 1]! += start[k]!;
  return start;
};

/**
 * The rows in the window, ordered by (engager, author, day): three stable counting sorts, least
 * significant first. Each pass carries the keys of the passes after it, so every pass reads its
 * input in order and only its writes land at random: ordering costs no random reads of the input.
 */
const keptRowsInPairOrder = (
  { author, engager, day, length }: TopicAggregates['edges'],
  decayOf: DayDecay,
  kept: number,
  accountCount: number,
): { order: Uint32Array; author: Uint32Array; engager: Uint32Array } => {
  const rows = new Uint32Array(kept);
  for (let r = 0, j = 0; r < length; r++) if (author[r] !== engager[r] && decayOf(day[r]!) !== 0) rows[j++] = r;
  const days = dayKeys(day, rows);

  const dayStart = new Uint32Array(days.count + 1);
  for (let j = 0; j < kept; j++) dayStart[days.keyOf(day[rows[j]!]!) + 1]!++;
  prefixSums(dayStart);
  const byDay = new Uint32Array(kept);
  const authorByDay = new Uint32Array(kept);
  const engagerByDay = new Uint32Array(kept);
  for (let j = 0; j < kept; j++) {
    const r = rows[j]!;
    const at = dayStart[days.keyOf(day[r]!)]!++;
    byDay[at] = r;
    authorByDay[at] = author[r]!;
    engagerByDay[at] = engager[r]!;
  }

  const authorStart = new Uint32Array(accountCount + 1);
  for (let j = 0; j < kept; j++) authorStart[authorByDay[j]! + 1]!++;
  prefixSums(authorStart);
  const byAuthor = rows;
  const authorByAuthor = new Uint32Array(kept);
  const engagerByAuthor = new Uint32Array(kept);
  for (let j = 0; j < kept; j++) {
    const at = authorStart[authorByDay[j]!]!++;
    byAuthor[at] = byDay[j]!;
    authorByAuthor[at] = authorByDay[j]!;
    engagerByAuthor[at] = engagerByDay[j]!;
  }

  const engagerStart = new Uint32Array(accountCount + 1);
  for (let j = 0; j < kept; j++) engagerStart[engagerByAuthor[j]! + 1]!++;
  prefixSums(engagerStart);
  const order = byDay;
  const orderAuthor = authorByDay;
  const orderEngager = engagerByDay;
  for (let j = 0; j < kept; j++) {
    const at = engagerStart[engagerByAuthor[j]!]!++;
    order[at] = byAuthor[j]!;
    orderAuthor[at] = authorByAuthor[j]!;
    orderEngager[at] = engagerByAuthor[j]!;
  }
  return { order, author: orderAuthor, engager: orderEngager };
};

export const buildTopicPairs = ({ accounts, edges }: TopicAggregates, decayOf: DayDecay, constants: ScoringModel): { pairs: TopicPairs; rows: EngagerRows } => {
  const { author, engager, day, reply, quote, share, like, mention, follow } = edges;
  // The rows in the window, and the accounts they name.
  const localAccount = new Int32Array(accounts.length).fill(-1);
  let kept = 0;
  for (let r = 0; r < edges.length; r++) {
    if (author[r] === engager[r] || decayOf(day[r]!) === 0) continue;
    kept++;
    localAccount[author[r]!] = localAccount[engager[r]!] = 0;
  }
  let accountCount = 0;
  for (let i = 0; i < accounts.length; i++) if (localAccount[i] === 0) localAccount[i] = accountCount++;
  const inputAccount = new Uint32Array(accountCount);
  for (let i = 0; i < accounts.length; i++) if (localAccount[i]! >= 0) inputAccount[localAccount[i]!] = i;
  const { order: rowOrder, author: rowAuthor, engager: rowEngager } = keptRowsInPairOrder(edges, decayOf, kept, accounts.length);

  const newPair = (j: number) => j === 0 || rowEngager[j] !== rowEngager[j - 1] || rowAuthor[j] !== rowAuthor[j - 1];
  let count = 0;
  for (let j = 0; j < kept; j++) if (newPair(j)) count++;
  const pairEngager = new Uint32Array(count);
  const pairAuthor = new Uint32Array(count);
  const engagement = new Float64Array(count);
  const pairFollow = new Float64Array(count);
  const interactions = new Float64Array(count);
  const weights = constants.engagementWeights;
  let k = -1;
  for (let j = 0; j < kept; ) {
    if (newPair(j)) {
      k++;
      pairEngager[k] = localAccount[rowEngager[j]!]!;
      pairAuthor[k] = localAccount[rowAuthor[j]!]!;
    }
    // Rows repeating an (engager, author, day) are summed as counts first, so splitting a row changes nothing.
    let replies = 0;
    let quotes = 0;
    let shares = 0;
    let likes = 0;
    let mentions = 0;
    let follows = 0;
    const first = j;
    const rowDay = day[rowOrder[j]!]!;
    for (; j < kept; j++) {
      const r = rowOrder[j]!;
      if (j > first && (day[r] !== rowDay || newPair(j))) break;
      replies += reply[r]!;
      quotes += quote[r]!;
      shares += share[r]!;
      likes += like[r]!;
      mentions += mention[r]!;
      follows += follow[r]!;
    }
    const decay = decayOf(rowDay);
    engagement[k]! += (weights.reply * replies + weights.quote * quotes + weights.share * shares + weights.like * likes + weights.mention * mentions) * decay;
    pairFollow[k]! += follows * decay;
    interactions[k]! += replies + quotes + shares + likes + mentions + follows;
  }

  const engagerStart = new Uint32Array(accountCount + 1);
  for (let p = 0; p < count; p++) engagerStart[pairEngager[p]! + 1]!++;
  for (let e = 0; e < accountCount; e++) engagerStart[e + 1]! += engagerStart[e]!;
  const rowStart = new Uint32Array(accountCount + 1);
  for (let j = 0; j < kept; j++) rowStart[localAccount[rowEngager[j]!]! + 1]!++;
  for (let e = 0; e < accountCount; e++) rowStart[e + 1]! += rowStart[e]!;

  return {
    pairs: {
      accountCount,
      inputAccount,
      localAccount,
      count,
      engager: pairEngager,
      author: pairAuthor,
      engagerStart,
      engagement,
      follow: pairFollow,
      interactions,
    },
    rows: { order: rowOrder, author: rowAuthor, start: rowStart },
  };
};

/** Per pair, 1 if it is returned (the author engaged the engager too), else 0. */
export const reciprocatedPairs = ({ count, engager, author, engagerStart }: TopicPairs): Uint8Array => {
  const reciprocated = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    // The reverse pair, among the author's own pairs as an engager (ordered by author): binary search.
    const target = engager[k]!;
    let low = engagerStart[author[k]!]!;
    let high = engagerStart[author[k]! + 1]!;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const candidate = author[middle]!;
      if (candidate === target) {
        reciprocated[k] = 1;
        break;
      }
      if (candidate < target) low = middle + 1;
      else high = middle;
    }
  }
  return reciprocated;
};

/** Each account's decayed posts in the window, by local account; summed per (author, day) in day order. */
export const decayedPostCounts = ({ posts }: TopicAggregates, { localAccount, accountCount }: TopicPairs, decayOf: DayDecay): Float64Array => {
  const postCount = new Float64Array(accountCount);
  const keep = (r: number) => localAccount[posts.author[r]!]! >= 0 && decayOf(posts.day[r]!) !== 0;
  let kept = 0;
  for (let r = 0; r < posts.length; r++) if (keep(r)) kept++;
  const rows = new Uint32Array(kept);
  for (let r = 0, j = 0; r < posts.length; r++) if (keep(r)) rows[j++] = r;
  // Ordered by (author, day): two stable counting sorts.
  const days = dayKeys(posts.day, rows);
  const dayStart = new Uint32Array(days.count + 1);
  for (let j = 0; j < kept; j++) dayStart[days.keyOf(posts.day[rows[j]!]!) + 1]!++;
  prefixSums(dayStart);
  const byDay = new Uint32Array(kept);
  for (let j = 0; j < kept; j++) byDay[dayStart[days.keyOf(posts.day[rows[j]!]!)]!++] = rows[j]!;
  const authorStart = new Uint32Array(accountCount + 1);
  for (let j = 0; j < kept; j++) authorStart[localAccount[posts.author[rows[j]!]!]! + 1]!++;
  prefixSums(authorStart);
  for (let j = 0; j < kept; j++) rows[authorStart[localAccount[posts.author[byDay[j]!]!]!]!++] = byDay[j]!;
  for (let j = 0; j < kept; ) {
    const first = rows[j]!;
    const author = posts.author[first]!;
    const postDay = posts.day[first]!;
    let count = 0;
    for (; j < kept && posts.author[rows[j]!] === author && posts.day[rows[j]!] === postDay; j++) count += posts.count[rows[j]!]!;
    postCount[localAccount[author]!]! += count * decayOf(postDay);
  }
  return postCount;
};
