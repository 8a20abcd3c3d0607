/**
 * The whole recompute, from stored aggregates to written leaderboards: seconds, RCU and WCU of one
 * run of the recompute handler in this process, against reading the same aggregates with parallel
 * Query.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys, OVERALL_TOPIC, AGGREGATE_SHARDS } from '../lib/store/keys';
import { tables } from '../lib/store/tables';
import { round, type BenchmarkResult } from './result';
import { awsPrices } from './support/aws-prices';
import { costOf } from './support/cost-model';
import type { InProcessFunctions } from './support/in-process';
import { localDocumentClient, serviceStore } from './support/local-dynamodb';

/** The recompute function's memory in AWS (functionSizing in infra/stateless-stack.ts). */
const RECOMPUTE_MEMORY_MB = 1769;
const CEILING_IN_FLIGHT = 16;

/** Every page of every aggregate partition a recompute reads, `CEILING_IN_FLIGHT` Query streams at a time. */
const readAggregatesInParallel = async (endpoint: string, topics: string[]): Promise<{ seconds: number; items: number }> => {
  const db = localDocumentClient(endpoint);
  const partitions = topics.flatMap((topic) =>
    Array.from({ length: AGGREGATE_SHARDS }, (_, shard) => [keys.edgePartition(topic, shard), keys.postPartition(topic, shard), keys.contentResponsesPartition(topic, shard)]).flat(),
  );
  let next = 0;
  let items = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CEILING_IN_FLIGHT }, async () => {
      for (let partition = partitions[next++]; partition !== undefined; partition = partitions[next++]) {
        let startKey: Record<string, unknown> | undefined;
        do {
          const page = await db.send(
            new QueryCommand({ TableName: tables.main.localName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': partition }, ExclusiveStartKey: startKey }),
          );
          items += page.Items?.length ?? 0;
          startKey = page.LastEvaluatedKey;
        } while (startKey);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  db.destroy();
  return { seconds, items };
};

/**
 * `serviceRun` is the run the service made through `POST /v1/admin/recompute` before (the one the
 * lookups read); the measured run is the next one, over the same aggregates.
 */
export const benchRecompute = async (
  functions: InProcessFunctions,
  endpoint: string,
  replay: string,
  serviceRun: { seconds: number },
): Promise<BenchmarkResult> => {
  const store = serviceStore(endpoint);
  const topics = [OVERALL_TOPIC, ...(await store.registeredTopics())];
  await readAggregatesInParallel(endpoint, topics.slice(0, 1)); // warms DynamoDB Local up for both
  await functions.takeUsage();
  await functions.invoke('recompute', { trigger: 'schedule' });
  const { capacity, byFunction } = await functions.takeUsage();
  // The handler's own time, without loading its module.
  const { billedMs = 0 } = byFunction.get('recompute') ?? {};
  const seconds = billedMs / 1000;
  const run = await store.lastRun();
  if (run?.trigger !== 'schedule' || run.status !== 'succeeded') throw new Error(`recompute.higgs: the measured run did not succeed (${JSON.stringify(run)})`);

  const ceiling = await readAggregatesInParallel(endpoint, topics);
  const dollarsPerRun = costOf(
    { apiRequests: 0, functions: [{ invocations: 1, billedMs, memoryMb: RECOMPUTE_MEMORY_MB }], readUnits: capacity.readUnits, writeUnits: capacity.writeUnits, sqsRequests: 0 },
    awsPrices,
  ).total;
  return {
    name: 'recompute.higgs',
    value: round(seconds),
    unit: 's',
    ceiling: round(ceiling.seconds, 3),
    ratio: round(ceiling.seconds / seconds, 3),
    notes:
      `one run of functions/recompute.ts in the bench process after ${replay}: ${run.accounts} accounts, ${run.topics} topics, ` +
      `${capacity.readUnits} RCU and ${capacity.writeUnits} WCU (ReturnConsumedCapacity; the run before left no stale board version, so a steady-state run also deletes one, ≈ 1 WCU per board entry written) ≈ $${dollarsPerRun.toFixed(4)} a run with Lambda at ${RECOMPUTE_MEMORY_MB} MB; ` +
      `the service's own run before it, through POST /v1/admin/recompute: ${round(serviceRun.seconds)} s; ` +
      `ceiling: the ${ceiling.items} aggregate items of ${topics.length} topics read by parallel Query, ${CEILING_IN_FLIGHT} partitions in flight`,
  };
};
