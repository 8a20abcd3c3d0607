import type { Influencer } from '../../lib/app/api/schemas';
import { toCsv } from '../../lib/app/api/csv';
import { accountHref } from './format';

/** An account kept for a campaign, with what the search that found it said about it. */
export interface ShortlistEntry extends Influencer {
  /** The topics of the search it was added from, in the order asked: relevance and rising are for these. */
  searchedTopics: string[];
  addedAt: string;
}

const STORAGE_KEY = 'sway-shortlist';

export const accountKey = (account: { network: string; id: string }): string => `${account.network}:${account.id}`;

const isEntry = (value: unknown): value is ShortlistEntry => {
  const entry = value as Partial<ShortlistEntry> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.network === 'string' &&
    typeof entry.id === 'string' &&
    [entry.score, entry.relevance, entry.rising].every((number) => typeof number === 'number') &&
    Array.isArray(entry.topics) &&
    Array.isArray(entry.searchedTopics)
  );
};

/** What this browser kept; nothing when storage is unavailable or holds something else. */
export const readShortlist = (): ShortlistEntry[] => {
  try {
    const stored: unknown = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(stored) ? stored.filter(isEntry) : [];
  } catch {
    return [];
  }
};

/** False when the browser refuses to keep it (storage disabled or full): the list then lasts as long as the page. */
export const saveShortlist = (entries: readonly ShortlistEntry[]): boolean => {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(entries));
    return true;
  } catch {
    return false;
  }
};

/** Listens for changes another tab of this site makes to the shortlist. */
export const onShortlistChangedElsewhere = (listener: () => void): void =>
  window.addEventListener('storage', (event) => {
    if (event.key === STORAGE_KEY || event.key === null) listener();
  });

export const SHORTLIST_CSV_HEADER = [
  'network',
  'id',
  'handle',
  'page',
  'overall score',
  'relevance',
  'rising',
  'searched topics',
  'topic scores',
  'added',
] as const;

/** One row per entry; `origin` makes the account pages' links absolute, for use outside the site. */
export const shortlistCsv = (entries: readonly ShortlistEntry[], origin: string): string =>
  toCsv([
    SHORTLIST_CSV_HEADER,
    ...entries.map((entry) => [
      entry.network,
      entry.id,
      entry.handle,
      `${origin}${accountHref(entry.network, entry.id)}`,
      entry.score,
      entry.relevance,
      entry.rising,
      entry.searchedTopics.join(' '),
      entry.topics.map(({ topic, score, rank }) => `${topic} ${score} #${rank}`).join('; '),
      entry.addedAt,
    ]),
  ]);
