import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { runRecomputeLocally, unitsOver } from '../lib/app/recompute/local-orchestrator';
import { RunInProgressError } from '../lib/domain/recompute-run';
import { logger, metrics, tracer } from '../lib/adapters/observability';
import { objectStore, stores, type Dependencies } from '../lib/wiring/dependencies';

const RecomputeRequestSchema = z.object({ runId: z.string().min(1) });
const ScheduleInputSchema = z.object({ trigger: z.literal('schedule') });

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * The recompute on one machine (in AWS the Step Functions state machine runs the same units). Two
 * triggers: the schedule (a run of its own, skipped while another run holds the lock) and the
 * recompute-requests queue fed by `POST /v1/admin/recompute` (retried until the lock is free).
 */
export const createHandler = ({ stores, objectStore }: Pick<Dependencies, 'stores' | 'objectStore'>) => {
  const localUnits = () => unitsOver({ objects: objectStore(), ...stores() });
  return middy(async (event: SQSEvent | unknown): Promise<SQSBatchResponse | undefined> => {
    if (ScheduleInputSchema.safeParse(event).success) {
      const run = await runRecomputeLocally({ runId: randomUUID(), trigger: 'schedule' }, localUnits(), objectStore());
      if (!run) logger.info('scheduled recompute skipped: another run is in progress');
      return;
    }
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of (event as SQSEvent).Records ?? []) {
      const request = RecomputeRequestSchema.safeParse(parseJson(record.body));
      if (!request.success) {
        logger.warn('ignoring malformed recompute request', { messageId: record.messageId });
        continue;
      }
      const requested = await stores().runs.run(request.data.runId);
      if (requested?.status !== 'running') continue;
      try {
        await runRecomputeLocally({ runId: requested.runId, trigger: 'api' }, localUnits(), objectStore());
      } catch (error) {
        logger.warn('recompute did not complete', { runId: requested.runId, error: (error as Error).name });
        if (error instanceof RunInProgressError) batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  })
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
};

export const handler = createHandler({ stores, objectStore });
