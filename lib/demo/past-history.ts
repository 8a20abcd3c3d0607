import type { RecomputePorts } from '../recompute/run-recompute';

type Reads<K extends 'engagementAggregates' | 'postAggregates'> = Awaited<ReturnType<RecomputePorts[K]>>;

/**
 * Views of the recompute's ports as they stood at the end of past days: reads see only aggregates
 * of that day and before, and of everything a run writes only the day's history points get through
 * — the boards, accounts, explanations and runs of today stay as they are. Running the real
 * recompute over the view of a day gives the score each account would have had on that day, which
 * is how the demo fills the history charts honestly. Aggregates are read once for all the days.
 */
export const pastDayViews = (ports: RecomputePorts): ((day: string) => RecomputePorts) => {
  const engagement = new Map<string, Promise<Reads<'engagementAggregates'>>>();
  const posting = new Map<string, Promise<Reads<'postAggregates'>>>();
  const once = <T>(cache: Map<string, Promise<T>>, topic: string, read: () => Promise<T>): Promise<T> => {
    if (!cache.has(topic)) cache.set(topic, read());
    return cache.get(topic)!;
  };
  const nothing = async () => undefined;

  return (day) => {
    const upToDay = <T extends { day: string }>(items: T[]): T[] => items.filter((item) => item.day <= day);
    return {
      registeredTopics: () => ports.registeredTopics(),
      handleClaims: () => ports.handleClaims(),
      engagementAggregates: async (topic) => {
        const { edges, handles } = await once(engagement, topic, () => ports.engagementAggregates(topic));
        return { edges: upToDay(edges), handles };
      },
      postAggregates: async (topic) => {
        const { posts, handles } = await once(posting, topic, () => ports.postAggregates(topic));
        return { posts: upToDay(posts), handles };
      },
      // Content aggregates carry no day; they only feed explanations, which a past day does not write.
      contentAggregates: async () => [],
      writeHistory: (historyDay, points) => ports.writeHistory(historyDay, points),
      optOutState: async () => ({ ...(await ports.optOutState()), unpurged: new Set<string>() }),
      writeExplanations: nothing,
      deleteExplanations: nothing,
      deleteAggregatesInvolving: nothing,
      purgeAccount: nothing,
      writeBoardEntries: nothing,
      flipBoard: async () => ({ replaced: null, unreferenced: [] }),
      deleteBoardVersion: nothing,
      deleteBoard: nothing,
      writeAccountScores: nothing,
      deleteAccountScores: nothing,
      putRun: nothing,
      finishRun: nothing,
      acquireRunLock: async () => true,
      renewRunLock: async () => true,
      releaseRunLock: nothing,
    };
  };
};
