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

/** A piece of top content's weight: its share of the responses to the author's top content. */
const contentWeight = (responses: number, total: number): number => Math.round((responses / total) * 1000) / 1000;

const totalResponses = (content: readonly { responses: number }[]): number => {
  let responses = 0;
  for (const item of content) responses += item.responses;
  return responses;
};

/** The body of `entry`, whose top content is `content` (each piece's responses; its weight is its share of them). */
export const encodeExplanationBody = (entry: AuthorScore, content: readonly { contentId: string; responses: number }[]): string => {
  const responses = totalResponses(content);
  const encoded: EncodedBody = [
    entry.score,
    entry.factors.map((factor) => [factor.name, factor.value, factor.contribution]),
    entry.topEngagers.map((engager) => [engager.account, engager.interactions, engager.weight]),
    content.map((item) => [item.contentId, item.responses, contentWeight(item.responses, responses)]),
    entry.flags,
  ];
  return JSON.stringify(encoded);
};

/**
 * The body `encodeExplanationBody(entry, content)` decodes to, built without the text: for a topic
 * whose scored authors are still at hand when its changed explanations are written (decoding a
 * million bodies took seconds of the overall topic's full pass).
 */
export const explanationBodyOf = (entry: AuthorScore, content: readonly { contentId: string; responses: number }[]): ExplanationBody => {
  const responses = totalResponses(content);
  return {
    score: entry.score,
    factors: entry.factors,
    topEngagers: entry.topEngagers,
    topContent: content.map((item) => ({ contentId: item.contentId, responses: item.responses, weight: contentWeight(item.responses, responses) })),
    flags: entry.flags,
  };
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
