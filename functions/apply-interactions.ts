import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import type { ParsedRecord } from '@aws-lambda-powertools/batch/types';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { applyQueuedInteractions, isWhollyIsolated, RefusedWriteError } from '../lib/aggregation/apply-interactions';
import { QueuedInteractionsSchema, type QueuedInteractions } from '../lib/interactions/queued';
import { logger, metrics, tracer } from '../lib/observability';
import { messageQueue, swayStore } from '../lib/runtime/dependencies';
import { queues } from '../lib/workers';

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

/**
 * Applies one message. What the store refuses on its own goes back on the queue as messages of
 * its own, so it is retried and dead-lettered alone while the rest of its message counts.
 */
const applyRecord = async (record: ParsedRecord<SQSRecord, QueuedInteractions>) => {
  const summary = await applyQueuedInteractions(record.body, swayStore(), new Date());
  metrics.addMetric('InteractionsApplied', MetricUnit.Count, summary.applied);
  metrics.addMetric('InteractionsDuplicate', MetricUnit.Count, summary.duplicates);
  metrics.addMetric('InteractionsRetracted', MetricUnit.Count, summary.retracted);
  if (summary.isolated.length === 0) return;
  if (isWhollyIsolated(record.body, summary)) throw new RefusedWriteError('the store refused this message');
  await messageQueue().send(queues.interactions.name, summary.isolated.map((part) => JSON.stringify(part)));
  metrics.addMetric('InteractionsIsolated', MetricUnit.Count, summary.isolated.length);
  logger.warn('parts of a message the store refused were queued on their own', { messageId: record.messageId, parts: summary.isolated.length });
};

/** Applies queued interactions; a failing message is reported alone and retried, the rest of its batch is kept. */
export const handler = middy(async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, applyRecord, batchProcessor(), { context }),
)
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
