import type { AccountsStore, StoredAccount } from '../../adapters/dynamodb/accounts-store';
import { rankOf, type BoardsStore, type RankCounts } from '../../adapters/dynamodb/boards-store';
import type { Account } from './schemas';
import { NotFoundError, OptedOutError } from '../../domain/errors';

/** An account lists its best topics, at most this many. */
export const MAX_TOPICS_PER_ACCOUNT = 50;
/** Rank indexes change once a run; a lookup may use one this old (the answers' own cache lifetime). */
const RANK_CACHE_MS = 30_000;

const rankCache = new Map<string, { counts: RankCounts; computedAt: string; fetchedAt: number }>();

/**
 * The rank indexes of these topics, from this process's cache while they are fresh: fetched less
 * than 30 s ago, and of a run no older than `seenAt` (the time of the score the rank is for), so a
 * score is never ranked against an index older than itself.
 */
export const rankCountsOf = async (boards: Pick<BoardsStore, 'rankCounts'>, topics: readonly string[], seenAt = ''): Promise<Map<string, RankCounts>> => {
  const now = Date.now();
  const stale = topics.filter((topic) => {
    const cached = rankCache.get(topic);
    return !cached || cached.fetchedAt < now - RANK_CACHE_MS || cached.computedAt < seenAt;
  });
  if (stale.length > 0) {
    const fetched = await boards.rankCounts(stale);
    for (const topic of stale) rankCache.set(topic, { counts: [], computedAt: '', ...fetched.get(topic), fetchedAt: now });
  }
  return new Map(topics.map((topic) => [topic, rankCache.get(topic)!.counts]));
};

/** The account behind a lookup route: `NotFoundError` (a 404) if never seen, `OptedOutError` (a 410) if it opted out. */
export const storedAccount = async (accounts: Pick<AccountsStore, 'account'>, network: string, idOrHandle: string): Promise<StoredAccount> => {
  const account = await accounts.account(network, idOrHandle);
  if (!account) throw new NotFoundError(`No account ${network}:${idOrHandle} has been seen.`);
  if ('optedOut' in account) throw new OptedOutError(`${network}:${idOrHandle} opted out of Sway.`);
  return account;
};

/** An account as the API shows it: its best topics with their ranks, read from each topic's rank index. */
export const accountView = async (boards: Pick<BoardsStore, 'rankCounts'>, account: StoredAccount): Promise<Account> => {
  const best = [...account.topicScores].sort(([topicA, a], [topicB, b]) => b - a || (topicA < topicB ? -1 : 1)).slice(0, MAX_TOPICS_PER_ACCOUNT);
  const counts = await rankCountsOf(
    boards,
    best.map(([topic]) => topic),
    account.computedAt,
  );
  return {
    network: account.network,
    id: account.id,
    handle: account.handle,
    score: account.score,
    topics: best.map(([topic, score]) => ({ topic, score, rank: rankOf(counts.get(topic) ?? [], score) })),
    computedAt: account.computedAt,
  };
};
