import { recomputeSchedule } from '../../lib/workers';
import { lambdaContext, loadHandler } from './lambda-context';

export interface Scheduler {
  stop(): Promise<void>;
}

/** What the EventBridge schedule does in AWS: invoke the recompute with the schedule's input, never two at once. */
export const startScheduler = async (intervalSeconds: number): Promise<Scheduler> => {
  const handler = await loadHandler<typeof recomputeSchedule.input, unknown>(recomputeSchedule.target);
  let inFlight: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = handler(recomputeSchedule.input, lambdaContext(recomputeSchedule.target, 900_000))
      .catch((error: unknown) => console.error('scheduled recompute failed', (error as Error).message))
      .finally(() => (inFlight = null));
  }, intervalSeconds * 1000);
  return {
    stop: async () => {
      clearInterval(timer);
      await inFlight;
    },
  };
};
