/**
 * Campaign search: the accounts of the requested topics' boards ranked by relevance or rising
 * (lib/domain/search/relevance.ts), without accounts the anti-gaming signals flag, and a page of them
 * without accounts that opted out or declined campaigns. Everything it reads was written by the
 * recompute: the boards (whose entries carry flags and the score of 30 days before) and the
 * accounts' items; nothing is computed from interactions at request time.
 */
import { createHash } from 'node:crypto';
import type { Influencer, InfluencerSearch, InfluencerSearchQuery } from '../api/schemas';
import { MAX_BOARD_ENTRIES } from '../../domain/leaderboards/board';
import { decodeCursor, encodeCursor } from '../../domain/leaderboards/cursor';
import { leaderboardOf } from './read-board';
import type { AccountsStore } from '../../adapters/dynamodb/accounts-store';
import { rankOf, type BoardsStore, type RankCounts } from '../../adapters/dynamodb/boards-store';
import { accountKey } from '../../domain/interactions/schema';
import { rankCandidates, type SearchBoardEntry } from '../../domain/search/relevance';

/** Accounts a search looks up for their score in a topic whose full board leaves them out: 5 BatchGetItems of small projected items. */
export const MAX_UNLISTED_LOOKUPS = 500;

export interface InfluencerSearchPorts {
  boards: Pick<BoardsStore, 'boardPage' | 'boardPointer'>;
  accounts: Pick<AccountsStore, 'campaignFacts' | 'topicScoresOf'>;
  rankCounts(topics: readonly string[]): Promise<Map<string, RankCounts>>;
}

/** The cursor names results no longer there: a recompute changed the boards since. */
export class SearchCursorError extends Error {
  constructor(readonly reason: 'malformed' | 'expired') {
    super(
      reason === 'malformed'
        ? 'The cursor is not one this API gave out.'
        : 'The results changed since this cursor was given (a recompute ran). Start again from the first page.',
    );
    this.name = 'SearchCursorError';
  }
}

export const searchInfluencers = async (query: InfluencerSearchQuery, ports: InfluencerSearchPorts): Promise<InfluencerSearch> => {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (after === null) throw new SearchCursorError('malformed');
  const pages = await Promise.all(
    query.topics.map(async (topic) => ports.boards.boardPage<SearchBoardEntry>(await leaderboardOf(ports.boards, topic, query.network), MAX_BOARD_ENTRIES)),
  );
  const results = fingerprint(
    query,
    pages.map((page) => page?.version ?? ''),
  );
  if (after && after.v !== results) throw new SearchCursorError('expired');
  const boards = pages.map((page) => page?.entries ?? []);

  // A full board may leave out an account that is scored in its topic: its score there comes from
  // its item — for the MAX_UNLISTED_LOOKUPS accounts with the most score on the boards, so that one
  // search over many large topics cannot cost thousands of reads; the others count 0 there.
  const listed = boards.map((board) => new Set(board.map((entry) => accountKey(entry.network, entry.id))));
  const candidates = new Map<string, { network: string; id: string; listedScore: number; unlisted: boolean }>();
  for (const board of boards) {
    for (const entry of board) {
      const key = accountKey(entry.network, entry.id);
      const candidate = candidates.get(key) ?? { network: entry.network, id: entry.id, listedScore: 0, unlisted: false };
      candidate.listedScore += entry.score;
      candidate.unlisted ||= boards.some((other, t) => other.length >= MAX_BOARD_ENTRIES && !listed[t]!.has(key));
      candidates.set(key, candidate);
    }
  }
  const lookups = [...candidates.values()]
    .filter((candidate) => candidate.unlisted)
    .sort((a, b) => b.listedScore - a.listedScore)
    .slice(0, MAX_UNLISTED_LOOKUPS);
  const knownScores = lookups.length > 0 ? await ports.accounts.topicScoresOf(lookups, query.topics) : new Map<string, Map<string, number>>();
  const ranked = rankCandidates(query, boards, knownScores);

  // Opt-outs and declined campaigns are read for the page's accounts only, walking on past them.
  const items: Influencer[] = [];
  let position = after?.p ?? 0;
  const counts = await ports.rankCounts(query.topics);
  while (items.length < query.limit && position < ranked.length) {
    const batch = ranked.slice(position, position + (query.limit - items.length) * 2);
    const facts = await ports.accounts.campaignFacts(batch);
    for (const candidate of batch) {
      position++;
      const fact = facts.get(accountKey(candidate.network, candidate.id));
      if (!fact || fact.excluded) continue;
      items.push({
        network: candidate.network,
        id: candidate.id,
        handle: fact.handle ?? candidate.handle,
        score: fact.score,
        relevance: candidate.relevance,
        rising: candidate.rising,
        topics: query.topics.flatMap((topic, t) => {
          const score = candidate.scores[t]!;
          return score > 0 ? [{ topic, score, rank: rankOf(counts.get(topic) ?? [], score) }] : [];
        }),
      });
      if (items.length === query.limit) break;
    }
  }
  return { items, nextCursor: position < ranked.length ? encodeCursor({ v: results, p: position }) : null };
};

/** What a cursor's positions refer to: the query and the board versions it ranked. */
const fingerprint = (query: InfluencerSearchQuery, versions: readonly string[]): string =>
  createHash('sha256')
    .update(JSON.stringify([query.topics, query.network ?? null, query.minScore ?? null, query.maxScore ?? null, query.sort, versions]))
    .digest('base64url')
    .slice(0, 32);
