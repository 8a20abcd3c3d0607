import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import type { ParsedRecord } from '@aws-lambda-powertools/batch/types';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { QueuedInteractionsSchema, type QueuedInteractions } from '../lib/domain/interactions/queued';
import { applyToLog } from '../lib/app/log/apply-to-log';
import { writeLogObject } from '../lib/app/log/log-writer';
import { logger, metrics, tracer } from '../lib/adapters/observability';
import { objectStore, stores, type Dependencies } from '../lib/wiring/dependencies';
import { knownOptOutsOf } from '../lib/adapters/dynamodb/consent-store';

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

const recordApplier =
  ({ stores, objectStore }: Pick<Dependencies, 'stores' | 'objectStore'>) =>
  async (record: ParsedRecord<SQSRecord, QueuedInteractions>) => {
    const { consent, ingest } = stores();
    const summary = await applyToLog(
      record.body,
      {
        optedOutAmong: (accounts) => knownOptOutsOf(consent).among(accounts),
        writeLogObject: (key, rows) => writeLogObject(objectStore(), key, rows),
        rememberApplied: (refs, at) => ingest.rememberApplied(refs, at),
        forgetApplied: (refs) => ingest.forgetApplied(refs),
      },
      new Date(),
    );
    metrics.addMetric('InteractionsLogged', MetricUnit.Count, summary.logged);
    metrics.addMetric('InteractionsDropped', MetricUnit.Count, summary.dropped);
    metrics.addMetric('RetractionsLogged', MetricUnit.Count, summary.retractions);
  };

/** Appends queued interactions to the log; a failing message is reported alone and retried, the rest of its batch is kept. */
export const createHandler = (dependencies: Pick<Dependencies, 'stores' | 'objectStore'>) => {
  const applyRecord = recordApplier(dependencies);
  return middy(async (event: SQSEvent, context: Context) => processPartialResponse(event, applyRecord, batchProcessor(), { context }))
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
};

export const handler = createHandler({ stores, objectStore });
