import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { env } from '../lib/wiring/config';
import { ingestInteractions } from '../lib/app/ingestion/ingest-interactions';
import { consumeJetstream, type JetstreamRun } from '../lib/app/bluesky/consume-jetstream';
import { openJetstream, subscriptionUrl } from '../lib/adapters/jetstream/jetstream-socket';
import { logger, metrics, tracer } from '../lib/adapters/observability';
import { messageQueue, settings, stores, type Dependencies } from '../lib/wiring/dependencies';

/** Kept free at the end of an invocation to queue the last batch and save the cursor. */
const STOP_MARGIN_MS = 5_000;

/** Scheduled: reads Bluesky's Jetstream for a bounded time, from where the last run stopped. */
export const createHandler = ({ stores, messageQueue, settings }: Pick<Dependencies, 'stores' | 'messageQueue' | 'settings'>) =>
  middy(async (_event: unknown, context: Context): Promise<JetstreamRun | { skipped: string }> => {
    const { url: baseUrl, wantedDids, readSeconds } = settings().jetstream;
    if (!baseUrl) {
      logger.info(`${env.jetstreamUrl} is not set: the Bluesky consumer is off`);
      return { skipped: `${env.jetstreamUrl} is not set` };
    }
    const { ingest: store } = stores();
    const queue = messageQueue();
    const readUntil = Date.now() + readSeconds * 1000;
    const run = await consumeJetstream({
      connect: (cursorUs) => openJetstream(subscriptionUrl(baseUrl, cursorUs, wantedDids)),
      storedCursor: () => store.jetstreamCursor(),
      saveCursor: (timeUs) => store.saveJetstreamCursor(timeUs, new Date().toISOString()),
      ingest: (interactions, alongside) =>
        ingestInteractions(interactions, { queue, appliedInteractions: (refs) => store.appliedInteractions(refs) }, new Date(), alongside),
      timeLeftMs: () => Math.min(readUntil - Date.now(), context.getRemainingTimeInMillis() - STOP_MARGIN_MS),
    });

    metrics.addMetric('JetstreamEvents', MetricUnit.Count, run.events);
    metrics.addMetric('InteractionsAccepted', MetricUnit.Count, run.accepted);
    metrics.addMetric('InteractionsDuplicate', MetricUnit.Count, run.duplicates);
    metrics.addMetric('JetstreamIgnored', MetricUnit.Count, run.ignored);
    metrics.addMetric('JetstreamMalformed', MetricUnit.Count, run.malformed);
    if (run.cursorUs !== null) metrics.addMetric('JetstreamLagSeconds', MetricUnit.Seconds, Math.max(0, Date.now() / 1000 - run.cursorUs / 1e6));
    logger.info('Jetstream read', { ...run });
    return run;
  })
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));

export const handler = createHandler({ stores, messageQueue, settings });
