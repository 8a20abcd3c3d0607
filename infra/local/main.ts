/**
 * `npm start`: the whole service on one machine — DynamoDB Local, the HTTP routes, the queue
 * consumers and the recompute schedule — running the same handler modules as Lambda.
 */
import './powertools-environment';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { env } from '../../lib/wiring/config';
import { secretEnvVars } from '../../lib/wiring/secret-variables';
import { LocalQueue } from '../../lib/dev/local-queue';
import { createDocumentClient, dynamoDbLocalConfig } from '../../lib/adapters/dynamodb/dynamodb-client';
import { tables } from '../../lib/adapters/dynamodb/tables';
import { namedScratchDirectory } from '../../lib/adapters/scratch-folder';
import { jetstreamSchedule, queues, recomputeSchedule } from '../../lib/wiring/workers';
import { createTables } from './create-tables';
import { moveEarlierQueueTable } from './queue-table-migration';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { startGateway } from './gateway';
import { startQueueConsumer, type QueueConsumer } from './queue-consumer';
import { startScheduler, type Scheduler } from './scheduler';
import { DEFAULT_API_KEY_RATE } from '../../lib/wiring/config';
import { parseWantedDids } from '../../lib/domain/networks/bluesky/wanted-dids';
import { localDependencies } from './local-dependencies';
import { buildWebAssets } from '../../web/build';

const USAGE = `usage: npm start [-- [--in-memory] [--demo]]

  --in-memory   keep DynamoDB Local's data in memory instead of under SWAY_DATA_DIR (.sway/)
  --demo        fill an in-memory DynamoDB Local with a generated world (six topics, three networks,
                30 days of history), loaded while it serves; your data under SWAY_DATA_DIR is not touched

environment: PORT, SWAY_DYNAMODB_ENDPOINT, SWAY_DYNAMODB_PORT, SWAY_DATA_DIR,
SWAY_RECOMPUTE_INTERVAL_S, SWAY_ADMIN_TOKEN, SWAY_API_KEYS, SWAY_API_KEY_RATE, SWAY_SECRET_*, SWAY_JETSTREAM_URL,
SWAY_JETSTREAM_WANTED_DIDS (see docs/LOCAL.md)`;

const numberFromEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a whole number, not "${raw}"`);
    process.exit(2);
  }
  return value;
};

/** Secrets the operator did not set are generated once and kept beside the data, so restarts keep them. */
const localSecrets = (dataDir: string, inMemory: boolean): { adminToken: string; genericSecret: string } => {
  const file = join(dataDir, 'local-secrets.json');
  let saved: { adminToken?: string; genericSecret?: string } = {};
  if (!inMemory && existsSync(file)) saved = JSON.parse(readFileSync(file, 'utf8')) as typeof saved;
  const secrets = {
    adminToken: process.env[env.adminToken] || saved.adminToken || randomBytes(24).toString('base64url'),
    genericSecret: process.env[secretEnvVars.generic] || saved.genericSecret || randomBytes(32).toString('hex'),
  };
  if (!inMemory) writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
};

const main = async (): Promise<void> => {
  let options: { 'in-memory'?: boolean; demo?: boolean; help?: boolean };
  try {
    options = parseArgs({
      options: { 'in-memory': { type: 'boolean' }, demo: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const demo = options.demo === true;
  if (demo && process.env[env.dynamodbEndpoint]) {
    console.error(`--demo runs its own in-memory DynamoDB Local; unset ${env.dynamodbEndpoint} so it cannot write into your table`);
    process.exit(2);
  }
  const inMemory = options['in-memory'] === true || demo;
  const port = numberFromEnv('PORT', 3000);
  const dynamoDbPort = numberFromEnv('SWAY_DYNAMODB_PORT', 8000);
  const recomputeIntervalSeconds = numberFromEnv('SWAY_RECOMPUTE_INTERVAL_S', recomputeSchedule.localDefaultIntervalSeconds);
  // Read by the lookup handlers (SWAY_API_KEYS too); checked here so a bad value stops the start.
  if (numberFromEnv(env.apiKeyRate, DEFAULT_API_KEY_RATE) < 1) {
    console.error(`${env.apiKeyRate} must be at least 1 lookup per second`);
    process.exit(2);
  }
  // Read by the Bluesky consumer at every connection; checked here so a bad list stops the start.
  let wantedDids: string[];
  try {
    wantedDids = parseWantedDids(process.env[env.jetstreamWantedDids]);
  } catch (error) {
    console.error(`${env.jetstreamWantedDids}: ${(error as Error).message}`);
    process.exit(2);
  }
  const dataDir = resolve(process.env.SWAY_DATA_DIR || '.sway');
  mkdirSync(dataDir, { recursive: true });
  const { adminToken, genericSecret } = localSecrets(dataDir, inMemory);

  let dynamoDbLocal: DynamoDbLocal | undefined;
  const stoppers: (() => Promise<unknown>)[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) process.exit(code);
    stopping = true;
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => undefined);
    await dynamoDbLocal?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  let endpoint = process.env[env.dynamodbEndpoint];
  if (!endpoint) {
    dynamoDbLocal = await startDynamoDbLocal({ port: dynamoDbPort, dataDir, inMemory });
    endpoint = dynamoDbLocal.endpoint;
  }

  // The local queue, the interaction log and the recompute's state: beside DynamoDB Local's data,
  // or, when nothing is to be kept, in the process's scratch folder, which goes with it (and, if it
  // is killed, with the next process's first use of its own).
  const filesDir = inMemory ? namedScratchDirectory('files') : dataDir;
  const logDir = join(filesDir, 'log');
  const queueDir = join(filesDir, 'queue');
  mkdirSync(logDir, { recursive: true });

  // The variables a deployed function reads, here handed to the handlers rather than set in this
  // process's environment: the operator's own (SWAY_API_KEYS, SWAY_SECRET_*, SWAY_JETSTREAM_*, …)
  // and the secrets generated above.
  const variables: Record<string, string | undefined> = {
    ...process.env,
    [env.adminToken]: adminToken,
    [secretEnvVars.generic]: genericSecret,
    // The key the gateway adds to the pages' own lookups, as CloudFront does in AWS: new at every start, nobody needs to know it.
    [env.siteKey]: process.env[env.siteKey] || randomBytes(24).toString('base64url'),
  };

  const local = dynamoDbLocalConfig(endpoint);
  const client = new DynamoDBClient(local);
  await createTables(client, Object.values(tables));
  const localDb = createDocumentClient(local);
  const localQueue = new LocalQueue(queueDir);
  const movedMessages = await moveEarlierQueueTable(client, localDb, localQueue);
  if (movedMessages > 0) console.log(`Moved ${movedMessages} queued messages from the queue table of an earlier version to ${queueDir}.`);
  client.destroy();
  const dependencies = localDependencies({ db: localDb, tableName: tables.main.localName, queue: localQueue, logDir, variables });
  // A recompute that died with the previous process still holds the run lock until its lease runs
  // out. Nothing else uses these tables (as for the queue's in-flight messages): free it now, so the
  // run's request, received again, finishes the job at once.
  const { runs } = dependencies.stores();
  const interruptedRun = await runs.runLockHolder();
  if (interruptedRun) await runs.releaseRunLock(interruptedRun);

  const consumers: QueueConsumer[] = [];
  for (const definition of Object.values(queues)) consumers.push(await startQueueConsumer(localQueue, definition, dependencies));
  stoppers.push(async () => Promise.all(consumers.map((consumer) => consumer.stop())));

  let scheduler: Scheduler | undefined;
  if (recomputeIntervalSeconds > 0) {
    scheduler = await startScheduler(recomputeSchedule, recomputeIntervalSeconds, dependencies);
    stoppers.push(() => scheduler?.stop() ?? Promise.resolve());
  }

  const jetstreamUrl = process.env[env.jetstreamUrl];
  if (jetstreamUrl) {
    const jetstreamScheduler = await startScheduler(jetstreamSchedule, jetstreamSchedule.localDefaultIntervalSeconds, dependencies);
    stoppers.push(() => jetstreamScheduler.stop());
  }

  // Built at every start, so the pages always match the code; beside the data, so two services never share it.
  const webRoot = join(dataDir, 'web');
  await buildWebAssets(webRoot);
  const server = await startGateway(port, { adminToken, webRoot, siteKey: variables[env.siteKey], dependencies });
  stoppers.push(
    () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  );

  console.log(`Sway is running at http://localhost:${port}

  admin token (SWAY_ADMIN_TOKEN):      ${adminToken}
  generic secret (SWAY_SECRET_GENERIC): ${genericSecret}
  DynamoDB:                            ${endpoint}${dynamoDbLocal ? (inMemory ? ' (DynamoDB Local, in memory)' : ` (DynamoDB Local, data in ${dataDir})`) : ''}
  interaction log:                     ${logDir}${inMemory ? ' (removed when Sway stops)' : ''}
  queue:                               ${queueDir}${inMemory ? ' (removed when Sway stops)' : ''}
  recompute:                           ${recomputeIntervalSeconds > 0 ? `every ${recomputeIntervalSeconds} s` : 'on demand only'}
  Bluesky:                             ${jetstreamUrl ? `reading ${jetstreamUrl}, ${wantedDids.length > 0 ? `following ${wantedDids.length} accounts` : 'every account'}` : `off (set ${env.jetstreamUrl} to read Jetstream)`}

Ctrl-C stops everything.`);

  if (demo) {
    const { loadDemo } = await import('./load-demo');
    console.log('\nLoading the demo world; the pages fill in as it loads…');
    try {
      const { runRecomputeLocally, unitsOver } = await import('../../lib/app/recompute/local-orchestrator');
      const { writeLogObject } = await import('../../lib/app/log/log-writer');
      const { consent, ingest, accounts } = dependencies.stores();
      const objects = dependencies.objectStore();
      const loaded = await loadDemo({
        apply: {
          optedOutAmong: (keys) => consent.optedOutAmong(keys),
          writeLogObject: (key, rows) => writeLogObject(objects, key, rows),
          rememberApplied: (refs, at) => ingest.rememberApplied(refs, at),
          forgetApplied: (refs) => ingest.forgetApplied(refs),
        },
        // A scheduled recompute may hold the lock; the demo's run waits for it rather than fail.
        recompute: async (asOf) => {
          for (;;) {
            const run = await runRecomputeLocally(
              { runId: randomUUID(), trigger: 'schedule' },
              unitsOver({ objects, ...dependencies.stores(), now: () => asOf }),
              objects,
            );
            if (run) return run;
            await new Promise((resolveWait) => setTimeout(resolveWait, 1000));
          }
        },
        accounts,
      });
      console.log(`Demo ready: ${loaded.interactions} interactions of ${loaded.accounts} accounts, scored, with ${loaded.historyDays} days of history.`);
    } catch (error) {
      console.error(`The demo world could not be loaded: ${(error as Error).message}`);
      await stop(1);
    }
  }
};

main().catch((error: unknown) => {
  console.error(`Sway could not start: ${(error as Error).message}`);
  process.exit(1);
});
