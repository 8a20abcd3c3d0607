/**
 * What ingesting costs, from the real code paths run in this process: signed deliveries through
 * functions/ingest-interactions.ts, the messages it queues handed to functions/apply-interactions.ts
 * in SQS event batches, DynamoDB capacity counted on their client, each invocation timed, the log
 * objects the apply step writes counted and sized (one S3 PUT each in AWS, read once by the
 * recompute with one GET, and kept as long as the bucket's lifecycle keeps the log).
 */
import { join } from 'node:path';
import type { APIGatewayProxyStructuredResultV2, SQSBatchResponse } from 'aws-lambda';
import { swayFunctionDefaults } from '../infra/constructs/sway-function';
import type { Interaction } from '../lib/domain/interactions/schema';
import { queues } from '../lib/wiring/workers';
import { apiGatewayEvent } from '../tests/support/webhook-deliveries';
import { round, type BenchmarkResult } from './result';
import { awsPrices } from './support/aws-prices';
import { costPerMillion, describeCost, meteredRequests, type MeasuredUsage } from './support/cost-model';
import { sqsEvent, type InProcessFunctions } from './support/in-process';
import { serviceStores } from './support/local-dynamodb';
import { folderSize } from './support/recompute-harness';
import { objectStoreLayout } from '../lib/app/log/layout';
import { SIGNATURE_HEADER, signatureOf } from '../cli/signature';

interface IngestMeasurement {
  usage: MeasuredUsage;
  msPerDelivery: number;
  msPerApplyBatch: number;
  /** Log objects the apply step wrote, and their bytes. */
  logObjects: number;
  logBytes: number;
  messages: number;
}

/** Days a log object is billed for: the bucket's lifecycle expires the log after this many. */
const LOG_KEPT_DAYS = objectStoreLayout.log.expireAfterDays;
const DAYS_PER_MONTH = 365.25 / 12;

/** Delivers `interactions` in signed deliveries of `perDelivery`, then applies what was queued, 10 messages per event. */
const measureIngest = async (
  functions: InProcessFunctions,
  secret: string,
  interactions: Interaction[],
  perDelivery: number,
  logDir: string,
  stateBytesPerInteraction: number,
): Promise<IngestMeasurement> => {
  const logBefore = folderSize(join(logDir, 'log'));
  await functions.takeUsage();
  functions.queue.billedSendRequests = 0;
  let apiRequests = 0;
  for (let start = 0; start < interactions.length; start += perDelivery) {
    const body = Buffer.from(JSON.stringify({ interactions: interactions.slice(start, start + perDelivery) }));
    apiRequests += meteredRequests(body.length, awsPrices.apiGateway.meteringIncrementBytes);
    const headers = { 'content-type': 'application/json', [SIGNATURE_HEADER]: signatureOf(secret, body) };
    const response = await functions.invoke<unknown, APIGatewayProxyStructuredResultV2>(
      'ingest-interactions',
      apiGatewayEvent({ method: 'POST', path: '/v1/interactions', headers, body }),
    );
    if (response.statusCode !== 202) throw new Error(`ingest: a delivery answered ${response.statusCode}: ${response.body}`);
  }
  let sqsRequests = functions.queue.billedSendRequests;
  const messages = functions.queue.take();
  const { batchSize } = queues.interactions;
  for (let start = 0; start < messages.length; start += batchSize) {
    const batch = messages.slice(start, start + batchSize);
    // The event source mapping's ReceiveMessage (billed per 64 KB received) and DeleteMessageBatch.
    sqsRequests +=
      meteredRequests(
        batch.reduce((sum, body) => sum + Buffer.byteLength(body), 0),
        awsPrices.sqs.meteringIncrementBytes,
      ) + 1;
    const response = await functions.invoke<unknown, SQSBatchResponse>('apply-interactions', sqsEvent(queues.interactions.name, batch));
    if (response.batchItemFailures.length > 0) throw new Error(`apply: ${response.batchItemFailures.length} messages failed`);
  }
  const { capacity, byFunction } = await functions.takeUsage();
  const logAfter = folderSize(join(logDir, 'log'));
  const logObjects = logAfter.files - logBefore.files;
  const logBytes = logAfter.bytes - logBefore.bytes;
  const memoryMb = swayFunctionDefaults.memorySize;
  const ingest = byFunction.get('ingest-interactions') ?? { invocations: 0, billedMs: 0 };
  const apply = byFunction.get('apply-interactions') ?? { invocations: 0, billedMs: 0 };
  return {
    usage: {
      units: interactions.length,
      apiRequests,
      functions: [
        { ...ingest, memoryMb },
        { ...apply, memoryMb },
      ],
      readUnits: capacity.readUnits,
      writeUnits: capacity.writeUnits,
      sqsRequests,
      // One PUT per log object (one per queue message); the recompute reads each once (one GET).
      s3PutRequests: logObjects,
      s3GetRequests: logObjects,
      // The log objects and the recompute's state for them, kept as long as the log.
      s3GbMonths: ((logBytes + stateBytesPerInteraction * interactions.length) / 1e9) * (LOG_KEPT_DAYS / DAYS_PER_MONTH),
    },
    msPerDelivery: ingest.billedMs / Math.max(1, ingest.invocations),
    msPerApplyBatch: apply.billedMs / Math.max(1, apply.invocations),
    logObjects,
    logBytes,
    messages: messages.length,
  };
};

/**
 * WCU per applied interaction and dollars per million interactions, for deliveries of 100 and of
 * one. `batched` and `single` must be interactions not applied before; `warmUp` loads the handlers.
 * `logDir` is the in-process functions' object store folder; `state` the bytes of recompute state
 * per interaction counted in the window, measured by the recompute bench (0 if it did not run).
 */
export const benchIngestCost = async (
  functions: InProcessFunctions,
  endpoint: string,
  secret: string,
  sample: { warmUp: Interaction[]; batched: Interaction[]; single: Interaction[]; source: string },
  logDir: string,
  state: { bytesPerInteraction: number; source: string },
): Promise<BenchmarkResult[]> => {
  await measureIngest(functions, secret, sample.warmUp, 100, logDir, state.bytesPerInteraction);
  const batched = await measureIngest(functions, secret, sample.batched, 100, logDir, state.bytesPerInteraction);
  const single = await measureIngest(functions, secret, sample.single, 1, logDir, state.bytesPerInteraction);

  const { ingest } = serviceStores(endpoint);
  const expected = [...sample.batched, ...sample.single];
  const applied = await ingest.appliedInteractions(expected);
  if (applied.size !== expected.length) throw new Error(`ingest cost: ${expected.length - applied.size} of ${expected.length} interactions were not applied`);

  const costBatched = costPerMillion(batched.usage, awsPrices);
  const costSingle = costPerMillion(single.usage, awsPrices);
  const memoryMb = swayFunctionDefaults.memorySize;
  const context = (measurement: IngestMeasurement, perDelivery: number) =>
    `${measurement.usage.units} interactions (${sample.source}) in deliveries of ${perDelivery}, through functions/ingest-interactions.ts and functions/apply-interactions.ts in the bench process ` +
    `(SQS events of ${queues.interactions.batchSize} messages): ${measurement.usage.writeUnits} WCU, ${measurement.usage.readUnits} RCU, ${measurement.usage.apiRequests} API requests, ${measurement.usage.sqsRequests} SQS requests (send, receive, delete), ` +
    `${measurement.messages} queue messages → ${measurement.logObjects} log objects (${measurement.logObjects} S3 PUTs, and one GET each when the recompute reads them) of ${round(measurement.logBytes / measurement.usage.units, 1)} B per interaction, ` +
    `stored ${LOG_KEPT_DAYS} days (the log's lifecycle) with ${round(state.bytesPerInteraction, 1)} B per interaction of recompute state (${state.source}); ` +
    `${round(measurement.msPerDelivery, 1)} ms per delivery and ${round(measurement.msPerApplyBatch)} ms per apply batch billed (measured against DynamoDB Local and a log folder, Lambda ${memoryMb} MB)`;
  const prices = `${awsPrices.region} on-demand prices of ${awsPrices.checked} (S3 of ${awsPrices.checkedLogAndEngines})`;
  return [
    {
      name: 'ingest.wcu_per_interaction',
      value: round(batched.usage.writeUnits / batched.usage.units, 3),
      unit: 'WCU/interaction',
      notes: `${round(batched.usage.readUnits / batched.usage.units, 3)} RCU/interaction; ${context(batched, 100)}; the only DynamoDB write per interaction is its dedupe key (IngestStore.rememberApplied)`,
    },
    {
      name: 'cost.per_million_interactions',
      value: round(costBatched.total, 3),
      unit: '$/million interactions',
      notes: `deliveries of 100: ${describeCost(costBatched)}; ${context(batched, 100)}; ${prices}; excludes the recompute's runs (per run, see recompute.higgs), CloudWatch logs and the event source's empty polls`,
    },
    {
      name: 'cost.per_million_interactions_single',
      value: round(costSingle.total, 3),
      unit: '$/million interactions',
      notes: `one interaction per delivery: ${describeCost(costSingle)}; ${context(single, 1)}; ${prices}`,
    },
  ];
};
