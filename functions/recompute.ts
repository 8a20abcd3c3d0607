import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import type { Run } from '../lib/api/schemas';
import { newRun, RunInProgressError, runRecompute } from '../lib/recompute/run-recompute';
import { logger, metrics, tracer } from '../lib/observability';
import { swayStore } from '../lib/runtime/dependencies';

const RecomputeRequestSchema = z.object({ runId: z.string().min(1) });
const ScheduleInputSchema = z.object({ trigger: z.literal('schedule') });

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const recorded = (run: Run): void => {
  metrics.addMetric('RecomputeSeconds', MetricUnit.Seconds, (Date.parse(run.finishedAt ?? run.startedAt) - Date.parse(run.startedAt)) / 1000);
  metrics.addMetric('ScoredAccounts', MetricUnit.Count, run.accounts);
};

/**
 * Two triggers: the schedule (a run of its own, skipped while another run holds the lock) and the
 * recompute-requests queue fed by `POST /v1/admin/recompute` (retried until the lock is free).
 */
export const handler = middy(async (event: SQSEvent | unknown): Promise<SQSBatchResponse | void> => {
  const store = swayStore();
  if (ScheduleInputSchema.safeParse(event).success) {
    try {
      recorded(await runRecompute(newRun('schedule'), store));
    } catch (error) {
      if (error instanceof RunInProgressError) logger.info('scheduled recompute skipped: another run is in progress');
      else throw error;
    }
    return;
  }

  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of (event as SQSEvent).Records ?? []) {
    const request = RecomputeRequestSchema.safeParse(parseJson(record.body));
    if (!request.success) {
      logger.warn('ignoring malformed recompute request', { messageId: record.messageId });
      continue;
    }
    const requested = await store.run(request.data.runId);
    if (!requested || requested.status !== 'running') continue;
    try {
      recorded(await runRecompute({ ...requested, startedAt: new Date().toISOString() }, store));
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
