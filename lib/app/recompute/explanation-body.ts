/**
 * An account's explanation as a topic's explanation file holds it (its `body` column): what scoring
 * said of it, before the engagers' handles and its audience are added for writing. A JSON array,
 * `[score, [[factor, value, contribution]…], [[engager, interactions, weight]…], [[contentId,
 * responses, weight]…], flags]`: without the object's keys, far fewer bytes, and a full pass
 * writes, fingerprints and reads back a million of them (docs/SCALING.md). Files written before
 * hold the object; both are read.
 */
import type { StoredExplanation } from '../../adapters/dynamodb/accounts-store';
import type { AuthorScore } from '../../domain/scoring/author-scores';

export interface ExplanationBody {
  score: number;
  factors: StoredExplanation['factors'];
  topEngagers: { account: string; interactions: number; weight: number }[];
  topContent: StoredExplanation['topContent'];
  /** FLAGS bits, 0 for none. */
  flags: number;
}

type Triple<A> = [A, number, number];
type EncodedBody = [score: number, factors: Triple<string>[], topEngagers: Triple<string>[], topContent: Triple<string>[], flags: number];

/** The body of `entry`, whose top content is `content` (each piece's responses; its weight is its share of them). */
export const encodeExplanationBody = (entry: AuthorScore, content: readonly { contentId: string; responses: number }[]): string => {
  let responses = 0;
  for (const item of content) responses += item.responses;
  const encoded: EncodedBody = [
    entry.score,
    entry.factors.map((factor) => [factor.name, factor.value, factor.contribution]),
    entry.topEngagers.map((engager) => [engager.account, engager.interactions, engager.weight]),
    content.map((item) => [item.contentId, item.responses, Math.round((item.responses / responses) * 1000) / 1000]),
    entry.flags,
  ];
  return JSON.stringify(encoded);
};

/** The object form, written before the array. */
interface ObjectBody {
  score: number;
  factors: ExplanationBody['factors'];
  topEngagers: ExplanationBody['topEngagers'];
  topContent: ExplanationBody['topContent'];
  flags?: number;
}

export const decodeExplanationBody = (text: string): ExplanationBody => {
  const parsed = JSON.parse(text) as EncodedBody | ObjectBody;
  if (!Array.isArray(parsed))
    return { score: parsed.score, factors: parsed.factors, topEngagers: parsed.topEngagers, topContent: parsed.topContent, flags: parsed.flags ?? 0 };
  const [score, factors, topEngagers, topContent, flags] = parsed;
  return {
    score,
    factors: factors.map(([name, value, contribution]) => ({ name, value, contribution })),
    topEngagers: topEngagers.map(([account, interactions, weight]) => ({ account, interactions, weight })),
    topContent: topContent.map(([contentId, responses, weight]) => ({ contentId, responses, weight })),
    flags,
  };
};
