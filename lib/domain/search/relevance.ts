/**
 * Campaign search's ranking, pure (docs/SCORING.md, "Campaign search"). An account's relevance to
 * a set of k topics is the square of the mean square root of its scores in them, 0 where it is not
 * scored: its score itself for one topic; for several, between the arithmetic mean (which lets one
 * strong topic make up for the rest) and the geometric mean (which lets one missing topic sink the
 * rest). 80 and 0 give 20; 40 and 40 give 40; 80 and 80 give 80.
 */
import { accountKey } from '../interactions/schema';

export const SEARCH_SORTS = ['relevance', 'rising'] as const;

/** What a search asks of the ranking: the topics, the bounds of relevance and the order. */
export interface SearchQuery {
  topics: readonly string[];
  minScore?: number | undefined;
  maxScore?: number | undefined;
  sort: (typeof SEARCH_SORTS)[number];
}

export const relevanceOf = (scores: readonly number[]): number => {
  if (scores.length === 0) return 0;
  const meanRoot = scores.reduce((sum, score) => sum + Math.sqrt(Math.max(0, score)), 0) / scores.length;
  return Math.round(meanRoot * meanRoot * 10) / 10;
};

/** One requested topic's board entry of an account, as the recompute stores it (lib/app/recompute/topic-unit.ts). */
export interface SearchBoardEntry {
  network: string;
  id: string;
  handle: string | null;
  score: number;
  /** Anti-gaming flags (lib/domain/scoring/model.ts FLAGS); absent: none. */
  flags?: number;
  /** Score in the topic about 30 days before (0: not scored then). */
  before?: number;
}

export interface RankedCandidate {
  network: string;
  id: string;
  handle: string | null;
  relevance: number;
  rising: number;
  /** Score per requested topic (0: not scored), in the order of the request. */
  scores: number[];
}

/**
 * Every account on a requested topic's board, unless flagged in any of them, with its relevance
 * and rising, within the bounds, in the requested order. `knownScores` gives an account's score in
 * a topic whose board does not list it (a board keeps a topic's 1,000 best); an account absent
 * from a topic's board and from `knownScores` is not scored there. Ties go by relevance, then by
 * `network:id`, so pages never overlap.
 */
export const rankCandidates = (
  query: SearchQuery,
  boards: readonly (readonly SearchBoardEntry[])[],
  knownScores: ReadonlyMap<string, ReadonlyMap<string, number>> = new Map(),
): RankedCandidate[] => {
  const entries = new Map<string, (SearchBoardEntry | undefined)[]>();
  boards.forEach((board, t) => {
    for (const entry of board) {
      const key = accountKey(entry.network, entry.id);
      let perTopic = entries.get(key);
      if (!perTopic) {
        perTopic = new Array<SearchBoardEntry | undefined>(query.topics.length).fill(undefined);
        entries.set(key, perTopic);
      }
      perTopic[t] = entry;
    }
  });
  const ranked: (RankedCandidate & { key: string })[] = [];
  for (const [key, perTopic] of entries) {
    if (perTopic.some((entry) => (entry?.flags ?? 0) !== 0)) continue;
    const listed = perTopic.find((entry) => entry !== undefined)!;
    const scores = perTopic.map((entry, t) => entry?.score ?? knownScores.get(key)?.get(query.topics[t]!) ?? 0);
    // A score known only from the account's item has no earlier score beside it: it counts as unchanged.
    const before = perTopic.map((entry, t) => (entry ? (entry.before ?? entry.score) : scores[t]!));
    const relevance = relevanceOf(scores);
    if (query.minScore !== undefined && relevance < query.minScore) continue;
    if (query.maxScore !== undefined && relevance > query.maxScore) continue;
    const rising = Math.round((relevance - relevanceOf(before)) * 10) / 10;
    ranked.push({ key, network: listed.network, id: listed.id, handle: perTopic.find((entry) => entry?.handle)?.handle ?? null, relevance, rising, scores });
  }
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  ranked.sort(
    query.sort === 'rising'
      ? (a, b) => b.rising - a.rising || b.relevance - a.relevance || byKey(a, b)
      : (a, b) => b.relevance - a.relevance || b.rising - a.rising || byKey(a, b),
  );
  return ranked.map(({ key: _key, ...candidate }) => candidate);
};
