import type { Dependencies } from '../../lib/wiring/dependencies';
import type { ScheduleDefinition } from '../../lib/wiring/workers';
import { lambdaContext, loadHandler } from './lambda-context';

export interface Scheduler {
  stop(): Promise<void>;
}

/**
 * What an EventBridge schedule does in AWS: invoke the target with the schedule's input, never two
 * at once. Stopping ends the running invocation's time, as a Lambda timeout would, so a function
 * that watches its remaining time (the Bluesky consumer) finishes cleanly and promptly.
 */
export const startScheduler = async (schedule: ScheduleDefinition, intervalSeconds: number, dependencies: Dependencies): Promise<Scheduler> => {
  const handler = await loadHandler<ScheduleDefinition['input'], unknown>(schedule.target, dependencies);
  let inFlight: Promise<unknown> | null = null;
  let stopping = false;
  const timer = setInterval(() => {
    if (inFlight) return;
    const context = lambdaContext(schedule.target);
    const remainingMs = context.getRemainingTimeInMillis;
    context.getRemainingTimeInMillis = () => (stopping ? 0 : remainingMs());
    inFlight = handler(schedule.input, context)
      .catch((error: unknown) => console.error(`scheduled ${schedule.target} failed`, (error as Error).message))
      .finally(() => (inFlight = null));
  }, intervalSeconds * 1000);
  return {
    stop: async () => {
      stopping = true;
      clearInterval(timer);
      await inFlight;
    },
  };
};
