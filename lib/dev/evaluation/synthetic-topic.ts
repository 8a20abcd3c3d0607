import { emptyEngagementColumns, emptyPostColumns, ENGAGEMENT_COUNT_COLUMNS, type TopicAggregates } from '../../domain/scoring/engagement';
import { seededRandom } from './seeded-random';

export interface SyntheticTopicOptions {
  /** Aggregated edge rows (engager → author, day). */
  edges: number;
  /** Aggregated edges per account: accounts = edges / this. */
  edgesPerAccount?: number;
  seed?: number;
  /** The last day of the topic's window. */
  asOf?: Date;
}

const DAY_MS = 86_400_000;

/**
 * A seeded synthetic topic, built straight into columns (no per-row objects), for measuring
 * scoring at scale: heavy-tailed popularity (a few authors draw most engagement, most draw
 * little or none) and heavy-tailed activity (a few engagers react a lot), over a 90-day window.
 */
export const syntheticTopic = ({ edges, edgesPerAccount = 4, seed = 3, asOf = new Date('2026-11-25T00:00:00Z') }: SyntheticTopicOptions): TopicAggregates => {
  const random = seededRandom(seed);
  const accountCount = Math.max(2, Math.floor(edges / edgesPerAccount));
  // Zero-padded, so that index order is name order.
  const width = String(accountCount).length;
  const accounts = Array.from({ length: accountCount }, (_, i) => `x:s${String(i).padStart(width, '0')}`);
  const today = Math.floor(asOf.getTime() / DAY_MS);
  const columns = emptyEngagementColumns(edges);
  // Engagement types in the planted world's proportions: replies, quotes, shares, likes, mentions, and a few follows.
  const types = [0, 0, 1, 2, 2, 3, 3, 3, 3, 4, 5] as const;
  for (let r = 0; r < edges; r++) {
    const author = Math.floor(accountCount * random() ** 3);
    let engager = Math.floor(accountCount * random() ** 1.5);
    if (engager === author) engager = (engager + 1) % accountCount;
    columns.author[r] = author;
    columns.engager[r] = engager;
    columns.day[r] = today - Math.floor(random() * 90);
    const type = ENGAGEMENT_COUNT_COLUMNS[types[Math.floor(random() * types.length)]!];
    columns[type][r] = 1 + Math.floor(random() ** 4 * 3);
  }
  // About one post per author-day with response, spread like the engagement.
  const postCount = Math.floor(edges / 8);
  const posts = emptyPostColumns(postCount);
  for (let r = 0; r < postCount; r++) {
    posts.author[r] = Math.floor(accountCount * random() ** 2);
    posts.day[r] = today - Math.floor(random() * 90);
    posts.count[r] = 1 + Math.floor(random() ** 3 * 5);
  }
  return { accounts, edges: columns, posts };
};
