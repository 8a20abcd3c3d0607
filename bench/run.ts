/**
 * `npm run bench [-- --quick] [-- --only NAME[,NAME]]`: each benchmark with its ceiling measured in the
 * same run on this machine, printed as a table and written to bench/results/latest.json (CONTRACT
 * §6); with `--only NAME[,NAME]`, only the rows of those names or prefixes (`--only scale.10m`,
 * `--only recompute,ingest`).
 */
// First: Powertools and the X-Ray SDK read their environment once, when they load, as in npm start.
import '../infra/local/powertools-environment';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTables } from '../infra/local/create-tables';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local';
import type { Interaction } from '../lib/domain/interactions/schema';
import { batchWriteAll } from '../lib/adapters/dynamodb/batch-write';
import { createDocumentClient, dynamoDbLocalConfig } from '../lib/adapters/dynamodb/dynamodb-client';
import { tables } from '../lib/adapters/dynamodb/tables';
import { Table } from '../lib/adapters/dynamodb/table';
import { IngestStore } from '../lib/adapters/dynamodb/ingest-store';
import { admin, drainAndRecompute, startLocalService, waitFor, type LocalService } from '../tests/support/local-service';
import { freePort } from '../tests/support/free-port';
import { testSecretEnvironment, WEBHOOK_NETWORKS } from '../tests/support/webhook-deliveries';
import { higgsAvailable, higgsInteractions } from './data/higgs';
import { syntheticInteractions } from './data/synthetic';
import { verdict, withGoal } from './goals';
import { benchIngestCost } from './ingest-cost';
import { benchLeaderboardLatency, benchLookupCost, benchLookupThroughput, type Account } from './lookups';
import { benchRecompute } from './recompute';
import { benchSearchLatency } from './search';
import { benchScale } from './scale';
import { benchValidity, validityDataAvailable } from './validity';
import { round, type BenchmarkResult } from './result';
import { benchPageRankKernel, benchWholeScoring } from './scoring';
import { startBareServer } from './support/bare-server';
import { startInProcessFunctions } from './support/in-process';
import { benchWebBundle } from './web-bundle';
import { benchFunctionBundles } from './function-bundles';
import { benchWebhookLatency } from './webhook-latency';
import { runLoad, timeConcurrently } from './support/load';
import { concurrentDocumentClient } from './support/local-dynamodb';
import { SIGNATURE_HEADER, signatureOf } from '../cli/signature';

const signedCall = (service: LocalService, body: Buffer) => ({
  method: 'POST',
  path: '/v1/interactions',
  headers: {
    'content-type': 'application/json',
    [SIGNATURE_HEADER]: signatureOf(service.genericSecret, body),
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

/**
 * p99 of a signed 10-interaction delivery, 50 concurrent, against a bare Node server answering 202.
 * Its notes add what a delivery waits on that the bare server does not: the dedupe read alone
 * (IngestStore.appliedInteractions, one BatchGetItem of 10 new keys) from the bench process, at the
 * same concurrency, against the service's DynamoDB Local while the service is idle.
 */
const webhookLatency = async (service: LocalService, endpoint: string, quick: boolean): Promise<BenchmarkResult> => {
  const total = quick ? 1_000 : 5_000;
  const bare = await startBareServer();
  const ceiling = await runLoad(bare.url, 50, total, (i) => signedCall(service, deliveryOf(10, `bare-${i}`)));
  await bare.close();
  const db = concurrentDocumentClient(endpoint, 50);
  const ingest = new IngestStore(new Table(db, tables.main.localName));
  const dedupeRead = async () => {
    const seed = `dedupe-${randomUUID()}`;
    await ingest.appliedInteractions(Array.from({ length: 10 }, (_, n) => ({ network: 'bench', id: `${seed}-${n}` })));
  };
  // Unmeasured first: the bench process's new client opens its connections and warms up.
  await timeConcurrently(50, total / 10, dedupeRead);
  const dedupe = await timeConcurrently(50, total, dedupeRead);
  db.destroy();
  const sway = await runLoad(service.url, 50, total, (i) => signedCall(service, deliveryOf(10, `latency-${randomUUID()}-${i}`)));
  if (sway.statuses[202] !== total) throw new Error(`webhook.latency: unexpected statuses ${JSON.stringify(sway.statuses)}`);
  return {
    name: 'webhook.latency',
    value: round(sway.p99),
    unit: 'ms',
    ceiling: round(ceiling.p99),
    ratio: round(ceiling.p99 / sway.p99, 3),
    notes:
      `p50 ${round(sway.p50)} ms (bare server p50 ${round(ceiling.p50)} ms); ${total} deliveries of 10 interactions, 50 concurrent, ${round(sway.perSecond)} req/s; POST /v1/interactions on npm start; ` +
      `the dedupe read alone (one BatchGetItem of 10 new keys, ${total} from the bench process, 50 concurrent, on the service's DynamoDB Local before the deliveries): p50 ${round(dedupe.p50)} ms, p99 ${round(dedupe.p99)} ms, ${round(dedupe.perSecond)}/s`,
  };
};

const waitForDrain = (service: LocalService) =>
  waitFor(
    'the queue to drain',
    async () => ((await (await admin(service, '/v1/admin/stats')).json()) as { pending: number }).pending === 0 || undefined,
    3_600_000,
  );

/** Items/s of BatchWriteItem writing one item per interaction into a table of its own, `concurrency` requests in flight. */
const batchWriteRate = async (endpoint: string, interactions: Interaction[], concurrency: number): Promise<number> => {
  const client = new DynamoDBClient(dynamoDbLocalConfig(endpoint));
  const ceilingTable = { ...tables.main, localName: `ceiling-${randomUUID().slice(0, 8)}` };
  await createTables(client, [ceilingTable]);
  const db = createDocumentClient(dynamoDbLocalConfig(endpoint));
  const items = interactions.map((interaction) => ({
    PutRequest: { Item: { pk: `INT#${interaction.network}#${interaction.id}`, sk: 'INT', ...interaction } },
  }));
  const started = performance.now();
  await batchWriteAll(db, ceilingTable.localName, items, concurrency);
  const rate = items.length / ((performance.now() - started) / 1000);
  client.destroy();
  return rate;
};

/**
 * Interactions/s from signed batches of 100 until durable in the log (the queue drained: every
 * message applied, its Parquet object written), against DynamoDB Local's BatchWriteItem items/s.
 * Both on a warm DynamoDB Local: its first pass of this many writes runs before its JIT compiler
 * has caught up, so one unmeasured pass of the ceiling's writes goes first.
 */
const ingestThroughput = async (service: LocalService, endpoint: string, interactions: Interaction[], source: string): Promise<BenchmarkResult> => {
  const concurrency = 4;
  const coldCeiling = await batchWriteRate(endpoint, interactions, concurrency);
  const bodies: Buffer[] = [];
  for (let i = 0; i < interactions.length; i += 100) bodies.push(Buffer.from(JSON.stringify({ interactions: interactions.slice(i, i + 100) })));

  const started = performance.now();
  const load = await runLoad(service.url, concurrency, bodies.length, (i) => signedCall(service, bodies[i]!));
  if (load.statuses[202] !== bodies.length) throw new Error(`ingest.throughput: unexpected statuses ${JSON.stringify(load.statuses)}`);
  const accepted = performance.now();
  await waitForDrain(service);
  const value = interactions.length / ((performance.now() - started) / 1000);

  // Ceiling: the same number of items written with BatchWriteItem at the same concurrency.
  const ceiling = await batchWriteRate(endpoint, interactions, concurrency);

  return {
    name: 'ingest.throughput',
    value: round(value),
    unit: 'interactions/s',
    ceiling: round(ceiling),
    ratio: round(value / ceiling, 3),
    notes:
      `${interactions.length} interactions (${source}) in signed batches of 100, ${concurrency} concurrent, through npm start: timed from the first request to the queue drained (pending = 0: every message applied, its Parquet object in the log); ` +
      `all 202 after ${round((accepted - started) / 1000, 1)} s (${round(interactions.length / ((accepted - started) / 1000))} interactions/s accepted); ceiling: BatchWriteItem of as many items, ${concurrency} concurrent, ` +
      `after the service's run (the unmeasured pass before it, on a cold DynamoDB Local: ${round(coldCeiling)} items/s)`,
  };
};

const SERVICE_RUN_TIMEOUT_MS = 600_000;

/** The service's own recompute through the admin route: it writes the boards and scores the lookups read. */
const serviceRecompute = async (service: LocalService): Promise<{ seconds: number }> => {
  const started = performance.now();
  // A full run with its writes takes about a minute here; the tests' default wait is for small worlds.
  const run = (await drainAndRecompute(service, SERVICE_RUN_TIMEOUT_MS)) as { status: string };
  if (run.status !== 'succeeded') throw new Error('recompute failed');
  return { seconds: (performance.now() - started) / 1000 };
};

/**
 * How many interactions each part takes, in data order: the replay through the HTTP path first,
 * then fresh ones for the in-process cost runs and the incremental recompute. Sized so `--quick`
 * ends in under 3 minutes on a 2-core machine.
 */
const sizesFor = (quick: boolean) => ({
  replay: quick ? 5_000 : 50_000,
  costWarmUp: 100,
  costBatched: quick ? 1_000 : 10_000,
  costSingle: quick ? 100 : 1_000,
  incremental: 1_000,
  lookupAccounts: quick ? 500 : 2_000,
});

/** Accounts that engaged with someone else, or that someone else engaged with: every one has a score after a recompute. */
const scoredAccountsOf = (interactions: Interaction[], count: number): Account[] => {
  const seen = new Set<string>();
  for (const interaction of interactions) {
    if (seen.size >= count) break;
    if (!interaction.target || interaction.target.id === interaction.actor.id) continue;
    seen.add(interaction.actor.id).add(interaction.target.id);
  }
  return [...seen].slice(0, count).map((id) => ({ network: 'x', id }));
};

const phases: { phase: string; seconds: number }[] = [];
/** Runs one part of the bench and records how long it took. */
const phase = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  const result = await run();
  phases.push({ phase: name, seconds: round((performance.now() - started) / 1000, 1) });
  console.log(`[bench] ${name}: ${phases.at(-1)?.seconds} s`);
  return result;
};

/** The rows each part of the bench reports, for `--only`. */
const ROWS = {
  kernel: ['scoring.pagerank_kernel', 'scoring.pagerank_bytes_per_edge'],
  wholeScoring: ['scoring.higgs_whole', 'scoring.bytes_per_aggregated_edge'],
  validity: ['scoring.validity', 'scoring.validity_bitcoin_otc'],
  bundle: ['web.bundle_gzip'],
  functionBundles: ['functions.bundle_healthz', 'functions.bundle_webhook', 'functions.bundle_largest'],
  // The networks bench/webhook-latency.ts loads, one row each.
  webhook: ['webhook.latency', ...WEBHOOK_NETWORKS.map((network) => `webhook.latency.${network}`)],
  ingest: ['ingest.throughput'],
  lookups: ['lookup.throughput'],
  leaderboard: ['leaderboard.latency'],
  search: ['search.latency'],
  lookupCost: ['lookup.rcu', 'cost.per_million_lookups', 'cost.per_million_lookups_keyed'],
  recompute: ['recompute.higgs', 'recompute.incremental', 'recompute.incremental_writes'],
  ingestCost: ['ingest.wcu_per_interaction', 'cost.per_million_interactions', 'cost.per_million_interactions_single'],
  scale: ['scale.10m', 'scale.10m_peak_rss', 'scale.10m_incremental'],
} as const;

const main = async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' } } });
  const quick = values.quick === true;
  const only = values.only;
  /** A row is selected by its name, or by a prefix of it ending before a `.` or `_` (`--only scale.10m`, `--only recompute,ingest`). */
  const matches = (name: string, wanted: string) => name === wanted || name.startsWith(`${wanted}.`) || name.startsWith(`${wanted}_`);
  const names =
    only
      ?.split(',')
      .map((name) => name.trim())
      .filter(Boolean) ?? [];
  const selected = (name: string) => names.length === 0 || names.some((wanted) => matches(name, wanted));
  const wants = (rows: readonly string[]) => rows.some(selected);
  const unknown = names.filter(
    (wanted) =>
      !Object.values(ROWS)
        .flat()
        .some((name) => matches(name, wanted)),
  );
  if (unknown.length > 0) throw new Error(`--only ${unknown.join(',')}: no benchmark has that name (${Object.values(ROWS).flat().join(', ')})`);
  const results: BenchmarkResult[] = [];
  const sizes = sizesFor(quick);
  const benchStarted = performance.now();
  // Scoring first, in this process, before the service adds to its peak memory.
  if (wants(ROWS.kernel)) results.push(...(await phase('scoring: PageRank kernel', () => benchPageRankKernel({ runs: quick ? 2 : 5 }))));
  if (!quick && wants(ROWS.wholeScoring)) results.push(...(await phase('scoring: whole Higgs', benchWholeScoring)).results);
  if (wants(ROWS.validity)) {
    if (validityDataAvailable()) results.push(...(await phase('scoring.validity', async () => benchValidity())));
    else
      results.push(
        ...ROWS.validity
          .filter(selected)
          .map((name) => ({ name, value: 0, unit: '', notes: 'FAILED: the data sets of ../shared/data are missing', failed: 'data missing' })),
      );
  }
  if (wants(ROWS.bundle)) results.push(await phase('web.bundle_gzip', benchWebBundle));
  if (wants(ROWS.functionBundles)) results.push(...(await phase('functions.bundle', benchFunctionBundles)));

  const serviceRows = [ROWS.webhook, ROWS.ingest, ROWS.lookups, ROWS.leaderboard, ROWS.search, ROWS.lookupCost, ROWS.recompute, ROWS.ingestCost];
  if (serviceRows.some(wants)) {
    const workDir = mkdtempSync(join(tmpdir(), 'sway-bench-'));
    const serviceDir = join(workDir, 'service');
    const { dynamoDb, service } = await phase('start DynamoDB Local and npm start', async () => {
      const dynamoDb = await startDynamoDbLocal({ port: await freePort(), dataDir: workDir, inMemory: true });
      const service = await startLocalService({
        dataDir: serviceDir,
        env: { SWAY_DYNAMODB_ENDPOINT: dynamoDb.endpoint, ...testSecretEnvironment() },
      });
      return { dynamoDb, service };
    });
    try {
      const total = sizes.replay + sizes.costWarmUp + sizes.costBatched + sizes.costSingle + sizes.incremental;
      const data = higgsAvailable() ? 'Higgs Twitter activity' : 'synthetic, seeded';
      const all: Interaction[] = [];
      for await (const interaction of higgsAvailable() ? higgsInteractions({ limit: total }) : syntheticInteractions({ count: total })) all.push(interaction);
      const interactions = all.slice(0, sizes.replay);
      const source = `${data}, first ${interactions.length.toLocaleString('en')}`;
      let next = sizes.replay;
      const take = (count: number) => {
        next += count;
        return all.slice(next - count, next);
      };
      const sample = {
        warmUp: take(sizes.costWarmUp),
        batched: take(sizes.costBatched),
        single: take(sizes.costSingle),
        source: `${data}, the ones after the replay`,
      };
      const more = take(sizes.incremental);

      // The replay feeds the service's log, whose recompute the lookups read and the in-process recompute copies.
      const needsReplay = [ROWS.ingest, ROWS.lookups, ROWS.leaderboard, ROWS.search, ROWS.lookupCost, ROWS.recompute].some(wants);
      let serviceRun = { seconds: 0 };
      if (needsReplay) {
        const throughput = await phase('ingest.throughput', () => ingestThroughput(service, dynamoDb.endpoint, interactions, source));
        if (wants(ROWS.ingest)) results.push(throughput);
        serviceRun = await phase('recompute by the service', () => serviceRecompute(service));
      }
      const accounts = scoredAccountsOf(interactions, sizes.lookupAccounts);
      if (wants(ROWS.lookups)) results.push(await phase('lookup.throughput', () => benchLookupThroughput(service.url, dynamoDb.endpoint, accounts, quick)));
      const inProcessLog = join(workDir, 'in-process-log');
      const functions = await startInProcessFunctions({ endpoint: dynamoDb.endpoint, genericSecret: service.genericSecret, logDir: inProcessLog });
      if (wants(ROWS.leaderboard))
        results.push(await phase('leaderboard.latency', () => benchLeaderboardLatency(service.url, dynamoDb.endpoint, functions, quick)));
      if (wants(ROWS.search)) results.push(await phase('search.latency', () => benchSearchLatency(service.url, dynamoDb.endpoint, functions, quick)));
      if (wants(ROWS.lookupCost)) results.push(...(await phase('lookup.rcu and cost', () => benchLookupCost(functions, accounts))));
      let state = { bytesPerInteraction: 0, source: 'not measured: the recompute bench did not run' };
      if (wants(ROWS.recompute) || wants(ROWS.ingestCost)) {
        const recompute = await phase('recompute.higgs and incremental', () =>
          benchRecompute({
            functions,
            endpoint: dynamoDb.endpoint,
            serviceRoot: join(serviceDir, 'log'),
            workDir,
            replay: `${interactions.length.toLocaleString('en')} interactions (${source})`,
            more,
            serviceRun,
          }),
        );
        results.push(...recompute.results.filter((result) => selected(result.name)));
        state = {
          bytesPerInteraction: recompute.stateBytesPerInteraction,
          source: "the state folder of recompute.incremental's run, per interaction in its window",
        };
      }
      // Webhooks after the replay: their deliveries are not in the log the recompute copies.
      if (wants(ROWS.webhook)) {
        const generic = await phase('webhook.latency', () => webhookLatency(service, dynamoDb.endpoint, quick));
        if (selected(generic.name)) results.push(generic);
        // Each network's p99 against the same bare-server ceiling.
        for (const result of await phase('webhook.latency per network', () => benchWebhookLatency(service, { quick }))) {
          if (selected(result.name)) results.push({ ...result, ceiling: generic.ceiling, ratio: round((generic.ceiling ?? 0) / result.value, 3) });
        }
        // The service applies what the webhooks queued before the in-process cost runs share the machine with it.
        await waitForDrain(service);
      }
      if (wants(ROWS.ingestCost)) {
        const rows = await phase('ingest cost', () => benchIngestCost(functions, dynamoDb.endpoint, service.genericSecret, sample, inProcessLog, state));
        results.push(...rows.filter((result) => selected(result.name)));
      }
    } finally {
      await service.stop();
      await dynamoDb.stop();
      rmSync(workDir, { recursive: true, force: true });
    }
  }
  // The ten-million world last, with the machine to itself (it starts a DynamoDB Local of its own).
  if (!quick && wants(ROWS.scale)) {
    try {
      results.push(...(await phase('scale.10m', () => benchScale())));
    } catch (error) {
      // The rows say that the world could not be scored, and why, rather than the whole run failing at its end.
      const failed = error instanceof Error ? error.message : String(error);
      console.error(error);
      results.push(
        ...ROWS.scale.filter(selected).map((name) => ({ name, value: 0, unit: name.endsWith('rss') ? 'GiB' : 's', notes: `FAILED: ${failed}`, failed })),
      );
    }
  }

  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    quick,
    ...(only ? { only } : {}),
  };
  const resultsDir = resolve(__dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const benchmarks = results.map(withGoal);
  const seconds = round((performance.now() - benchStarted) / 1000, 1);
  writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify({ machine, benchmarks, phases, seconds }, null, 2)}\n`);
  for (const result of benchmarks) console.log(`${result.name}: ${result.notes}`);
  console.table(
    benchmarks.map((result) => ({
      name: result.name,
      value: result.value,
      unit: result.unit,
      ceiling: result.ceiling ?? '—',
      ratio: result.ratio ?? '—',
      goal: result.goal ?? '—',
      met: verdict(result),
    })),
  );
  console.log(`${seconds} s in all`);
  console.log(`\nwritten to ${join('bench', 'results', 'latest.json')}`);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
