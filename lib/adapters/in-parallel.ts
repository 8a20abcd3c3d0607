/**
 * Runs `work` on every item, at most `concurrency` at a time. After a failure no item is started;
 * once those in flight are done, it rejects with the first failure, so nothing of it still runs
 * when the caller goes on.
 */
export const inParallel = async <T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      try {
        await work(items[next++]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failure) throw failure.error;
};
