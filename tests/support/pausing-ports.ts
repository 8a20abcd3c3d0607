import type { RecomputePorts } from '../../lib/recompute/run-recompute';

/**
 * A run's ports over `store` that stop once at `method` — at its call for `firstArgument`, if
 * given — until `resume` is called: for tests that make something happen in the middle of a run.
 */
export const pausingAt = (store: RecomputePorts, method: keyof RecomputePorts, firstArgument?: unknown) => {
  let resume!: () => void;
  const resumed = new Promise<void>((resolve) => (resume = resolve));
  let reached!: () => void;
  const paused = new Promise<void>((resolve) => (reached = resolve));
  const ports = Object.create(store) as RecomputePorts;
  const original = (store[method] as (...args: unknown[]) => Promise<unknown>).bind(store);
  let stopped = false;
  (ports as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    if (!stopped && (firstArgument === undefined || args[0] === firstArgument)) {
      stopped = true;
      reached();
      await resumed;
    }
    return original(...args);
  };
  return { ports, paused, resume };
};
