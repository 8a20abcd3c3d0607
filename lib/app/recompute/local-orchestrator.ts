/**
 * On one machine, what the Step Functions state machine does in AWS: prepare, the topics with
 * bounded concurrency and retries per topic (one topic's failure does not fail the others),
 * finish; any failure marks the run failed. The units are the same handlers the state machine
 * invokes.
 */
import type { Run } from '../api/schemas';
import { logger } from '../../adapters/observability';
import type { ObjectStore } from '../../adapters/object-store/object-store';
import type { Stores } from '../../wiring/dependencies';
import { runFailedUnit } from './failed-unit';
import { runFinishUnit } from './finish-unit';
import { runPrepareUnit } from './prepare-unit';
import { RunInProgressError } from '../../domain/recompute-run';
import { runTopicUnit } from './topic-unit';
import { readJson } from './run-state';
import { PrepareOutputSchema, TOPIC_CONCURRENCY, TopicTaskSchema, type PrepareInput, type PrepareOutput, type TopicResult, type TopicTask } from './units';
import { z } from 'zod';

export interface RecomputeUnits {
  prepare(input: PrepareInput): Promise<PrepareOutput>;
  topic(task: TopicTask): Promise<TopicResult[]>;
  finish(input: { runId: string; asOf: string; mode: PrepareOutput['mode'] }): Promise<Run>;
  failed(input: { runId: string; error?: string }): Promise<unknown>;
}

/** The units over these adapters, called in-process; `now` is the run's clock (tests hold it still). */
export const unitsOver = (
  ports: Stores & { objects: ObjectStore; now?: () => Date; resolutionBatchBytes?: number; mostUnmergedFiles?: number },
): RecomputeUnits => ({
  prepare: (input) => runPrepareUnit(input, ports),
  topic: (task) => runTopicUnit(task, ports),
  finish: (input) => runFinishUnit(input, ports),
  failed: (input) => runFailedUnit(input, ports),
});

/** Retries of an item (its topics that failed) after its first attempt, as the state machine's retry of a map item. */
const TOPIC_RETRIES = 2;

/** Runs a whole recompute; resolves with the run, or null when a scheduled run was skipped. Throws RunInProgressError for a requested run that must wait. */
export const runRecomputeLocally = async (input: PrepareInput, units: RecomputeUnits, objects: ObjectStore): Promise<Run | null> => {
  let prepared: PrepareOutput;
  try {
    prepared = PrepareOutputSchema.parse(await units.prepare(input));
  } catch (error) {
    if (error instanceof Error && error.name === RunInProgressError.name) throw error;
    await units.failed({ runId: input.runId, error: error instanceof Error ? error.name : 'Error' });
    throw error;
  }
  if (prepared.skipped) return null;
  try {
    const tasks = (await readJson(objects, prepared.topicsKey, z.array(TopicTaskSchema))) ?? [];
    let next = 0;
    const worker = async () => {
      for (let task = tasks[next++]; task !== undefined; task = tasks[next++]) {
        for (let attempt = 0; ; attempt++) {
          try {
            await units.topic(task);
            break;
          } catch (error) {
            logger.warn('topics of the run failed', {
              runId: task.runId,
              topics: task.topics,
              attempt,
              error: error instanceof Error ? error.stack : String(error),
            });
            // Leaves the topics that failed to the finish, which keeps their previous state and their deltas for the next run.
            if (attempt >= TOPIC_RETRIES) break;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(TOPIC_CONCURRENCY.local, tasks.length) }, worker));
    return await units.finish({ runId: prepared.runId, asOf: prepared.asOf, mode: prepared.mode });
  } catch (error) {
    await units.failed({ runId: input.runId, error: error instanceof Error ? error.name : 'Error' });
    throw error;
  }
};
