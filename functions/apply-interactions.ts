import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import type { ParsedRecord } from '@aws-lambda-powertools/batch/types';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { applyQueuedInteractions } from '../lib/aggregation/apply-interactions';
import { QueuedInteractionsSchema, type QueuedInteractions } from '../lib/interactions/queued';
import { logger, metrics, tracer } from '../lib/observability';
import { swayStore } from '../lib/runtime/dependencies';

/**
 * A processor per invocation: it keeps the batch's records and outcomes on itself, and the local
 * runtime runs several invocations at once in one process (Lambda runs one at a time).
 */
const batchProcessor = () =>
  new BatchProcessor(EventType.SQS, {
    parser,
    innerSchema: QueuedInteractionsSchema,
    transformer: 'json',
    logger,
  });

const applyRecord = async (record: ParsedRecord<SQSRecord, QueuedInteractions>) => {
  const summary = await applyQueuedInteractions(record.body, swayStore(), new Date());
  metrics.addMetric('InteractionsApplied', MetricUnit.Count, summary.applied);
  metrics.addMetric('InteractionsDuplicate', MetricUnit.Count, summary.duplicates);
  metrics.addMetric('InteractionsRetracted', MetricUnit.Count, summary.retracted);
};

/** Applies queued interactions; a failing message is reported alone and retried, the rest of its batch is kept. */
export const handler = middy(async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, applyRecord, batchProcessor(), { context }),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
