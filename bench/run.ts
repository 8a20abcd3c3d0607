/**
 * `npm run bench [-- --quick]`: each benchmark with its ceiling measured in the same run on this
 * machine, printed as a table and written to bench/results/latest.json (CONTRACT §6).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTables } from '../infra/local/create-tables';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local';
import type { Interaction } from '../lib/interactions/schema';
import { batchWriteAll } from '../lib/store/batch-write';
import { createDocumentClient } from '../lib/store/dynamodb-client';
import { tables } from '../lib/store/tables';
import { admin, drainAndRecompute, startLocalService, waitFor, type LocalService } from '../tests/support/local-service';
import { freePort } from '../tests/support/free-port';
import { testSecretEnvironment } from '../tests/support/webhook-deliveries';
import { higgsAvailable, higgsInteractions } from './data/higgs';
import { syntheticInteractions } from './data/synthetic';
import type { BenchmarkResult } from './result';
import { benchPageRankKernel, benchWholeScoring } from './scoring';
import { startBareServer } from './support/bare-server';
import { benchWebhookLatency } from './webhook-latency';
import { runLoad } from './support/load';


const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

const signedCall = (service: LocalService, body: Buffer) => ({
  method: 'POST',
  path: '/v1/interactions',
  headers: {
    'content-type': 'application/json',
    'x-sway-signature': `sha256=${createHmac('sha256', service.genericSecret).update(body).digest('hex')}`,
  },
  body,
});

const deliveryOf = (size: number, seed: string): Buffer =>
  Buffer.from(
    JSON.stringify({
      interactions: Array.from({ length: size }, (_, i) => ({
        id: `${seed}-${i}`,
        network: 'bench',
        type: 'like',
        actor: { id: `fan-${i}` },
        target: { id: `author-${i % 3}` },
        topics: ['bench'],
        occurredAt: new Date().toISOString(),
      })),
    }),
  );

/** p99 of a signed 10-interaction delivery, 50 concurrent, against a bare Node server answering 202. */
const webhookLatency = async (service: LocalService, quick: boolean): Promise<BenchmarkResult> => {
  const total = quick ? 1_000 : 5_000;
  const bare = await startBareServer();
  const ceiling = await runLoad(bare.url, 50, total, (i) => signedCall(service, deliveryOf(10, `bare-${i}`)));
  await bare.close();
  const sway = await runLoad(service.url, 50, total, (i) => signedCall(service, deliveryOf(10, `latency-${randomUUID()}-${i}`)));
  if (sway.statuses[202] !== total) throw new Error(`webhook.latency: unexpected statuses ${JSON.stringify(sway.statuses)}`);
  return {
    name: 'webhook.latency',
    value: round(sway.p99),
    unit: 'ms',
    ceiling: round(ceiling.p99),
    ratio: round(ceiling.p99 / sway.p99, 3),
    notes: `p50 ${round(sway.p50)} ms (bare server p50 ${round(ceiling.p50)} ms); ${total} deliveries of 10 interactions, 50 concurrent, ${round(sway.perSecond)} req/s; POST /v1/interactions on npm start`,
  };
};

/** Interactions/s from signed batches of 100 until applied, against DynamoDB Local's BatchWriteItem items/s. */
const ingestThroughput = async (
  service: LocalService,
  endpoint: string,
  interactions: Interaction[],
  source: string,
): Promise<BenchmarkResult> => {
  const concurrency = 4;
  const bodies: Buffer[] = [];
  for (let i = 0; i < interactions.length; i += 100) bodies.push(Buffer.from(JSON.stringify({ interactions: interactions.slice(i, i + 100) })));

  const started = performance.now();
  const load = await runLoad(service.url, concurrency, bodies.length, (i) => signedCall(service, bodies[i]!));
  if (load.statuses[202] !== bodies.length) throw new Error(`ingest.throughput: unexpected statuses ${JSON.stringify(load.statuses)}`);
  await waitFor(
    'the queue to drain',
    async () => ((await (await admin(service, '/v1/admin/stats')).json()) as { pending: number }).pending === 0 || undefined,
    3_600_000,
  );
  const value = interactions.length / ((performance.now() - started) / 1000);

  // Ceiling: the same number of items written with BatchWriteItem at the same concurrency.
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const ceilingTable = { ...tables.main, localName: `ceiling-${randomUUID().slice(0, 8)}` };
  await createTables(client, [ceilingTable]);
  const db = createDocumentClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const items = interactions.map((interaction) => ({ PutRequest: { Item: { pk: `INT#${interaction.network}#${interaction.id}`, sk: 'INT', ...interaction } } }));
  const ceilingStarted = performance.now();
  await batchWriteAll(db, ceilingTable.localName, items, concurrency);
  const ceiling = items.length / ((performance.now() - ceilingStarted) / 1000);
  client.destroy();

  return {
    name: 'ingest.throughput',
    value: round(value),
    unit: 'interactions/s',
    ceiling: round(ceiling),
    ratio: round(value / ceiling, 3),
    notes: `${interactions.length} interactions (${source}) in signed batches of 100, ${concurrency} concurrent, timed until pending = 0; ceiling: BatchWriteItem of as many items, ${concurrency} concurrent`,
  };
};

const recomputeDuration = async (service: LocalService, count: number, source: string): Promise<BenchmarkResult> => {
  const started = performance.now();
  const run = (await drainAndRecompute(service)) as { status: string; accounts: number; topics: number };
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 'succeeded') throw new Error('recompute failed');
  return {
    name: 'recompute.higgs',
    value: round(seconds),
    unit: 's',
    notes: `whole recompute after ${count} interactions (${source}): ${run.accounts} accounts, ${run.topics} topics; no ceiling measured yet`,
  };
};

const main = async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseArgs({ options: { quick: { type: 'boolean' } } });
  const quick = values.quick === true;
  const results: BenchmarkResult[] = [];
  // Scoring first, in this process, before the service adds to its peak memory.
  results.push(...(await benchPageRankKernel()));
  if (!quick) results.push(...(await benchWholeScoring()).results);
  const workDir = mkdtempSync(join(tmpdir(), 'sway-bench-'));
  const dynamoDb = await startDynamoDbLocal({ port: await freePort(), dataDir: workDir, inMemory: true });
  const service = await startLocalService({
    dataDir: join(workDir, 'service'),
    env: { SWAY_DYNAMODB_ENDPOINT: dynamoDb.endpoint, ...testSecretEnvironment() },
  });
  try {
    const generic = await webhookLatency(service, quick);
    results.push(generic);
    // Each network's p99 against the same bare-server ceiling.
    for (const result of await benchWebhookLatency(service, { quick })) {
      results.push({ ...result, ceiling: generic.ceiling, ratio: round((generic.ceiling ?? 0) / result.value, 3) });
    }

    const limit = quick ? 20_000 : Infinity;
    const source = higgsAvailable() ? `Higgs Twitter activity${quick ? ', first 20,000' : ''}` : 'synthetic, seeded';
    const interactions: Interaction[] = [];
    for await (const interaction of higgsAvailable() ? higgsInteractions({ limit }) : syntheticInteractions({ count: quick ? 20_000 : 200_000 })) {
      interactions.push(interaction);
    }
    results.push(await ingestThroughput(service, dynamoDb.endpoint, interactions, source));
    results.push(await recomputeDuration(service, interactions.length, source));
  } finally {
    await service.stop();
    await dynamoDb.stop();
    rmSync(workDir, { recursive: true, force: true });
  }

  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: round(totalmem() / 2 ** 30, 1), node: process.version, quick };
  const resultsDir = resolve(__dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify({ machine, benchmarks: results }, null, 2)}\n`);
  console.table(results.map(({ name, value, unit, ceiling, ratio }) => ({ name, value, unit, ceiling: ceiling ?? '—', ratio: ratio ?? '—' })));
  for (const result of results) console.log(`${result.name}: ${result.notes}`);
  console.log(`\nwritten to ${join('bench', 'results', 'latest.json')}`);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
