/**
 * Seeded random topics as columns, with every irregularity scoring must absorb: self-engagement,
 * rows outside the window and after the scoring day, zero counts, follow-only rows, repeated
 * (author, engager, day) rows, returned engagement, a lockstep group, and accounts in the
 * dictionary that no row names.
 */
import { emptyEngagementColumns, emptyPostColumns, ENGAGEMENT_COUNT_COLUMNS, type TopicAggregates } from '../../../lib/domain/scoring/engagement';
import { seededRandom } from '../../../lib/dev/evaluation/seeded-random';

export const RANDOM_TOPIC_AS_OF = new Date('2026-11-25T06:00:00Z');
const TODAY = Math.floor(RANDOM_TOPIC_AS_OF.getTime() / 86_400_000);

interface EdgeRow {
  author: number;
  engager: number;
  day: number;
  counts: number[];
}

export const randomTopic = (seed: number): TopicAggregates => {
  const random = seededRandom(seed);
  const integer = (below: number) => Math.floor(random() * below);
  const accountCount = 8 + integer(150);
  // Names that sort differently by code unit than by locale or number, to keep the order honest.
  const accounts = [
    ...new Set(
      Array.from({ length: accountCount }, (_, i) => `${random() < 0.5 ? 'x' : 'bsky'}:${random() < 0.3 ? 'Z' : 'a'}${i}${random() < 0.1 ? 'é' : ''}`),
    ),
  ].sort();
  const n = accounts.length;
  const popular = () => Math.floor(n * random() ** 2.5);
  const anyone = () => integer(n);
  const edges: EdgeRow[] = [];
  const counts = () => ENGAGEMENT_COUNT_COLUMNS.map(() => (random() < 0.3 ? 1 + integer(4) : 0));
  const recentDay = () => TODAY - integer(60);
  for (let k = 0, rows = 20 + integer(600); k < rows; k++) {
    const roll = random();
    const day = roll < 0.05 ? TODAY - 91 - integer(30) : roll < 0.07 ? TODAY + 1 + integer(3) : recentDay();
    edges.push({ author: popular(), engager: random() < 0.05 ? -1 : anyone(), day, counts: counts() });
  }
  for (const edge of edges) if (edge.engager < 0) edge.engager = edge.author; // self-engagement
  // Returned engagement.
  for (let k = 0, returned = integer(20); k < returned && edges.length > 0; k++) {
    const edge = edges[integer(edges.length)]!;
    edges.push({ author: edge.engager, engager: edge.author, day: recentDay(), counts: counts() });
  }
  // Follow-only and zero rows.
  for (let k = 0; k < 5; k++) edges.push({ author: popular(), engager: anyone(), day: recentDay(), counts: [0, 0, 0, 0, 0, k % 2] });
  // A lockstep group: the same targets on the same days.
  if (random() < 0.6 && n > 12) {
    const targets = Array.from({ length: 4 + integer(3) }, () => ({ author: anyone(), day: recentDay() }));
    for (let member = 0, size = 5 + integer(4); member < size; member++) {
      const engager = anyone();
      for (const target of targets) edges.push({ author: target.author, engager, day: target.day, counts: [0, 0, 1, 1, 0, 0] });
    }
  }
  // Repeated rows: a day's counts split over two rows.
  for (let k = 0, repeats = integer(30); k < repeats; k++) {
    const edge = edges[integer(edges.length)]!;
    const part = edge.counts.map((count) => integer(count + 1));
    edges.push({ ...edge, counts: part });
    edge.counts = edge.counts.map((count, i) => count - part[i]!);
  }

  const columns = emptyEngagementColumns(edges.length);
  edges.forEach((edge, r) => {
    columns.author[r] = edge.author;
    columns.engager[r] = edge.engager;
    columns.day[r] = edge.day;
    ENGAGEMENT_COUNT_COLUMNS.forEach((type, i) => {
      columns[type][r] = edge.counts[i]!;
    });
  });
  const postRows = integer(3 * n);
  const posts = emptyPostColumns(postRows);
  for (let r = 0; r < postRows; r++) {
    posts.author[r] = popular();
    posts.day[r] = random() < 0.1 ? TODAY - 100 : recentDay();
    posts.count[r] = integer(4);
  }
  return { accounts, edges: columns, posts };
};

/** The same aggregates with the rows in another order and some rows split in two partial counts. */
export const shuffledAndSplit = (input: TopicAggregates, seed: number): TopicAggregates => {
  const random = seededRandom(seed);
  const split = (counts: number[]): number[][] => {
    if (random() >= 0.2) return [counts];
    const part = counts.map((count) => Math.floor(count * random()));
    return [part, counts.map((count, i) => count - part[i]!)];
  };
  const shuffled = <T>(list: T[]): T[] =>
    list
      .map((item) => ({ item, key: random() }))
      .sort((a, b) => a.key - b.key)
      .map(({ item }) => item);

  const edgeRows = shuffled(
    Array.from({ length: input.edges.length }, (_, r) =>
      split(ENGAGEMENT_COUNT_COLUMNS.map((type) => input.edges[type][r]!)).map((counts) => ({
        author: input.edges.author[r]!,
        engager: input.edges.engager[r]!,
        day: input.edges.day[r]!,
        counts,
      })),
    ).flat(),
  );
  const edges = emptyEngagementColumns(edgeRows.length);
  edgeRows.forEach((row, j) => {
    edges.author[j] = row.author;
    edges.engager[j] = row.engager;
    edges.day[j] = row.day;
    ENGAGEMENT_COUNT_COLUMNS.forEach((type, i) => {
      edges[type][j] = row.counts[i]!;
    });
  });
  const postRows = shuffled(
    Array.from({ length: input.posts.length }, (_, r) =>
      split([input.posts.count[r]!]).map(([count]) => ({ author: input.posts.author[r]!, day: input.posts.day[r]!, count: count! })),
    ).flat(),
  );
  const posts = emptyPostColumns(postRows.length);
  postRows.forEach((row, j) => {
    posts.author[j] = row.author;
    posts.day[j] = row.day;
    posts.count[j] = row.count;
  });
  return { accounts: input.accounts, edges, posts };
};

/** The same aggregates, with accounts no row names added to the dictionary. */
export const withUnusedAccounts = (input: TopicAggregates, extra: string[]): TopicAggregates => {
  const accounts = [...new Set([...input.accounts, ...extra])].sort();
  const position = new Map(accounts.map((account, index) => [account, index]));
  const renumber = (column: Uint32Array) => Uint32Array.from(column, (index) => position.get(input.accounts[index]!)!);
  return {
    accounts,
    edges: { ...input.edges, author: renumber(input.edges.author), engager: renumber(input.edges.engager) },
    posts: { ...input.posts, author: renumber(input.posts.author) },
  };
};
