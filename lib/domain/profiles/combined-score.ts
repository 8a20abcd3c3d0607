export interface CombinedScore {
  score: number;
  topics: { topic: string; score: number; account: { network: string; id: string } }[];
}

/**
 * A person's score across their accounts: the best account's score overall and in each topic.
 * Not a sum: a second account is not more influence, and adding accounts must not raise a score
 * (the same reason posting more earns nothing by itself).
 */
/** What a person's score needs of each of their accounts. */
export interface ScoredAccount {
  network: string;
  id: string;
  score: number;
  /** Topic and score, as the account's item lists them. */
  topicScores: Iterable<readonly [string, number]>;
}

export const combinedScore = (accounts: readonly ScoredAccount[], maxTopics = 20): CombinedScore | null => {
  if (accounts.length === 0) return null;
  const best = new Map<string, CombinedScore['topics'][number]>();
  for (const account of accounts) {
    for (const [topic, score] of account.topicScores) {
      const known = best.get(topic);
      if (!known || score > known.score) best.set(topic, { topic, score, account: { network: account.network, id: account.id } });
    }
  }
  return {
    score: Math.max(...accounts.map((account) => account.score)),
    topics: [...best.values()].sort((a, b) => b.score - a.score || (a.topic < b.topic ? -1 : 1)).slice(0, maxTopics),
  };
};
