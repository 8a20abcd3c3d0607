/**
 * An object whose `method` stops — at its `call`-th call (and every later one, with `onward`),
 * after it returned or before it ran — until `resume` is called: for tests that make something
 * happen in the middle of a run.
 */
export const pausing = <T extends object>(
  target: T,
  method: keyof T,
  { call = 1, when = 'before', onward = false }: { call?: number; when?: 'before' | 'after'; onward?: boolean } = {},
) => {
  let resume!: () => void;
  const resumed = new Promise<void>((resolve) => (resume = resolve));
  let reached!: () => void;
  const paused = new Promise<void>((resolve) => (reached = resolve));
  const proxy = Object.create(target) as T;
  const original = (target[method] as (...args: unknown[]) => Promise<unknown>).bind(target);
  let calls = 0;
  (proxy as Record<keyof T, unknown>)[method] = async (...args: unknown[]) => {
    const number = ++calls;
    const stopsHere = number === call || (onward && number > call);
    if (stopsHere && when === 'before') {
      reached();
      await resumed;
    }
    const result = await original(...args);
    if (stopsHere && when === 'after') {
      reached();
      await resumed;
    }
    return result;
  };
  return { proxy, paused, resume };
};
