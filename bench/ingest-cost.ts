/**
 * What ingesting costs, from the real code paths run in this process: signed deliveries through
 * functions/ingest-interactions.ts, the messages it queues handed to functions/apply-interactions.ts
 * in SQS event batches, DynamoDB capacity counted on their client, each invocation timed.
 */
import type { APIGatewayProxyStructuredResultV2, SQSBatchResponse } from 'aws-lambda';
import { swayFunctionDefaults } from '../infra/constructs/sway-function';
import type { Interaction } from '../lib/interactions/schema';
import { queues } from '../lib/workers';
import { apiGatewayEvent } from '../tests/support/webhook-deliveries';
import { round, type BenchmarkResult } from './result';
import { awsPrices } from './support/aws-prices';
import { costPerMillion, describeCost, meteredRequests, type MeasuredUsage } from './support/cost-model';
import { sqsEvent, type InProcessFunctions } from './support/in-process';
import { serviceStore } from './support/local-dynamodb';
import { SIGNATURE_HEADER, signatureOf } from '../cli/signature';


interface IngestMeasurement {
  usage: MeasuredUsage;
  msPerDelivery: number;
  msPerApplyBatch: number;
}

/** Delivers `interactions` in signed deliveries of `perDelivery`, then applies what was queued, 10 messages per event. */
const measureIngest = async (functions: InProcessFunctions, secret: string, interactions: Interaction[], perDelivery: number): Promise<IngestMeasurement> => {
  await functions.takeUsage();
  functions.queue.billedSendRequests = 0;
  let apiRequests = 0;
  for (let start = 0; start < interactions.length; start += perDelivery) {
    const body = Buffer.from(JSON.stringify({ interactions: interactions.slice(start, start + perDelivery) }));
    apiRequests += meteredRequests(body.length, awsPrices.apiGateway.meteringIncrementBytes);
    const headers = { 'content-type': 'application/json', [SIGNATURE_HEADER]: signatureOf(secret, body) };
    const response = await functions.invoke<unknown, APIGatewayProxyStructuredResultV2>('ingest-interactions', apiGatewayEvent({ method: 'POST', path: '/v1/interactions', headers, body }));
    if (response.statusCode !== 202) throw new Error(`ingest: a delivery answered ${response.statusCode}: ${response.body}`);
  }
  let sqsRequests = functions.queue.billedSendRequests;
  const messages = functions.queue.take();
  const { batchSize } = queues.interactions;
  for (let start = 0; start < messages.length; start += batchSize) {
    const batch = messages.slice(start, start + batchSize);
    // The event source mapping's ReceiveMessage (billed per 64 KB received) and DeleteMessageBatch.
    sqsRequests += meteredRequests(batch.reduce((sum, body) => sum + Buffer.byteLength(body), 0), awsPrices.sqs.meteringIncrementBytes) + 1;
    const response = await functions.invoke<unknown, SQSBatchResponse>('apply-interactions', sqsEvent(queues.interactions.name, batch));
    if (response.batchItemFailures.length > 0) throw new Error(`apply: ${response.batchItemFailures.length} messages failed`);
  }
  const { capacity, byFunction } = await functions.takeUsage();
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
    },
    msPerDelivery: ingest.billedMs / Math.max(1, ingest.invocations),
    msPerApplyBatch: apply.billedMs / Math.max(1, apply.invocations),
  };
};

/**
 * WCU per applied interaction and dollars per million interactions, for deliveries of 100 and of
 * one. `batched` and `single` must be interactions not applied before; `warmUp` loads the handlers.
 */
export const benchIngestCost = async (
  functions: InProcessFunctions,
  endpoint: string,
  secret: string,
  sample: { warmUp: Interaction[]; batched: Interaction[]; single: Interaction[]; source: string },
): Promise<BenchmarkResult[]> => {
  await measureIngest(functions, secret, sample.warmUp, 100);
  const batched = await measureIngest(functions, secret, sample.batched, 100);
  const single = await measureIngest(functions, secret, sample.single, 1);

  const store = serviceStore(endpoint);
  const expected = [...sample.batched, ...sample.single];
  const applied = await store.appliedInteractions(expected);
  if (applied.size !== expected.length) throw new Error(`ingest cost: ${expected.length - applied.size} of ${expected.length} interactions were not applied`);

  const costBatched = costPerMillion(batched.usage, awsPrices);
  const costSingle = costPerMillion(single.usage, awsPrices);
  const memoryMb = swayFunctionDefaults.memorySize;
  const context = (measurement: IngestMeasurement, perDelivery: number) =>
    `${measurement.usage.units} interactions (${sample.source}) in deliveries of ${perDelivery}, through functions/ingest-interactions.ts and functions/apply-interactions.ts in the bench process ` +
    `(SQS events of ${queues.interactions.batchSize} messages): ${measurement.usage.writeUnits} WCU, ${measurement.usage.readUnits} RCU, ${measurement.usage.apiRequests} API requests, ${measurement.usage.sqsRequests} SQS requests (send, receive, delete), ` +
    `${round(measurement.msPerDelivery, 1)} ms per delivery and ${round(measurement.msPerApplyBatch)} ms per apply batch billed (measured against DynamoDB Local, Lambda ${memoryMb} MB arm64)`;
  const prices = `${awsPrices.region} on-demand prices of ${awsPrices.checked}`;
  return [
    {
      name: 'ingest.wcu_per_interaction',
      value: round(batched.usage.writeUnits / batched.usage.units, 3),
      unit: 'WCU/interaction',
      notes: `${round(batched.usage.readUnits / batched.usage.units, 3)} RCU/interaction; ${context(batched, 100)}; transactional writes counted at 2 WCU per KB as DynamoDB bills them`,
    },
    {
      name: 'cost.per_million_interactions',
      value: round(costBatched.total, 3),
      unit: '$/million interactions',
      notes: `deliveries of 100: ${describeCost(costBatched)}; ${context(batched, 100)}; ${prices}; excludes the recompute (per run, see recompute.higgs), storage, logs and the event source's empty polls`,
    },
    {
      name: 'cost.per_million_interactions_single',
      value: round(costSingle.total, 3),
      unit: '$/million interactions',
      notes: `one interaction per delivery: ${describeCost(costSingle)}; ${context(single, 1)}; ${prices}`,
    },
  ];
};
