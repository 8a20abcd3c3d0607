/**
 * The whole service in the test process, as `npm start` wires it but without HTTP: fresh tables
 * in the shared DynamoDB Local, the handlers built from the service's own dependencies as `npm start`
 * builds them, requests through the local gateway's routing and authorization, and the local queue
 * with its SQS-like consumers.
 */
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { vi } from 'vitest';
import { createRouter, startGateway, type GatewayRouter } from '../../infra/local/gateway';
import { lambdaContext, loadHandler } from '../../infra/local/lambda-context';
import { localDependencies } from '../../infra/local/local-dependencies';
import { startQueueConsumer, type QueueConsumer } from '../../infra/local/queue-consumer';
import { createDocumentClient, dynamoDbLocalConfig } from '../../lib/adapters/dynamodb/dynamodb-client';
import { LocalQueue } from '../../lib/dev/local-queue';
import { queues, recomputeSchedule } from '../../lib/wiring/workers';
import { injectFaults, type FaultInjector } from './fault-injection';
import { freePort } from './free-port';
import { isolatedTables } from './isolated-tables';
import { waitFor } from './wait-for';
import { testSecretEnvironment } from './webhook-deliveries';
import { SIGNATURE_HEADER, signatureOf } from '../../cli/signature';

export const IN_PROCESS_ADMIN_TOKEN = 'in-process-admin-token';
export const IN_PROCESS_GENERIC_SECRET = 'in-process-generic-secret';

export interface InProcessRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type InProcessSway = Awaited<ReturnType<typeof startInProcessSway>>;

const toAnswer = (result: APIGatewayProxyStructuredResultV2): Answer => ({
  status: result.statusCode ?? 200,
  headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)])),
  body: result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64').toString('utf8') : (result.body ?? ''),
});

/**
 * Starts a service on its own tables and log folder, its gateway with these API keys (none:
 * lookups open), its handlers built from its own dependencies, so several can run side by side.
 * `faults` is installed on the document client the handlers share (the local queue has a client of
 * its own: it stands in for SQS, which is not under test).
 */
export const startInProcessSway = async ({
  apiKeys = [] as string[],
  apiKeyRate,
  siteKey,
}: {
  apiKeys?: string[];
  apiKeyRate?: number;
  siteKey?: string;
} = {}) => {
  const tables = await isolatedTables();
  const logDir = mkdtempSync(join(tmpdir(), 'sway-log-'));
  const queue: LocalQueue = new LocalQueue(tables.queueDir);
  /** What the consumers did with failed deliveries: put back for redelivery, or dead-lettered. */
  const failedDeliveries = { redelivered: 0, deadLettered: 0 };
  const fail = queue.fail.bind(queue);
  queue.fail = async (...args) => {
    const outcome = await fail(...args);
    failedDeliveries[outcome === 'retry' ? 'redelivered' : 'deadLettered']++;
    return outcome;
  };
  const handlerDb = createDocumentClient(dynamoDbLocalConfig(tables.endpoint));
  const variables: Record<string, string | undefined> = {
    SWAY_API_KEYS: apiKeys.join(','),
    SWAY_API_KEY_RATE: apiKeyRate === undefined ? '' : String(apiKeyRate),
    SWAY_SITE_KEY: siteKey ?? '',
    SWAY_SECRET_GENERIC: IN_PROCESS_GENERIC_SECRET,
    ...testSecretEnvironment(),
  };
  const dependencies = localDependencies({ db: handlerDb, tableName: tables.mainTable, queue, logDir, variables });
  const faults: FaultInjector = injectFaults(handlerDb);
  const router: GatewayRouter = await createRouter({ adminToken: IN_PROCESS_ADMIN_TOKEN, siteKey, dependencies });
  const recompute = await loadHandler<unknown, unknown>(recomputeSchedule.target, dependencies);
  const consumers: QueueConsumer[] = [];

  const request = async ({ method, url, headers = {}, body }: InProcessRequest): Promise<Answer> => {
    const bytes = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body);
    return toAnswer(await router({ method, url, headers, readBody: async () => bytes }));
  };
  const admin = (method: string, url: string, body?: string) =>
    request({ method, url, headers: { authorization: `Bearer ${IN_PROCESS_ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body });

  return {
    tables,
    queue,
    faults,
    failedDeliveries,
    /** What the handlers are built from. */
    dependencies,
    /** The handlers' secrets and settings by variable (`SWAY_SECRET_GENERIC`, `SWAY_API_KEYS`, …), read at each use: change one to rotate it. */
    variables,
    stores: dependencies.stores(),
    objects: dependencies.objectStore(),
    logDir,
    /** The document client the handlers share. */
    handlerDb,
    request,
    admin,
    /** `POST /v1/interactions`, signed as a client would sign it. */
    ingest: (body: string) =>
      request({
        method: 'POST',
        url: '/v1/interactions',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signatureOf(IN_PROCESS_GENERIC_SECRET, Buffer.from(body)) },
        body,
      }),
    /** The same routes over HTTP on a free port, for clients such as `sway`. */
    listen: async () => {
      const server = await startGateway(await freePort(), { adminToken: IN_PROCESS_ADMIN_TOKEN, dependencies });
      const address = server.address() as AddressInfo;
      return {
        url: `http://127.0.0.1:${address.port}`,
        close: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      };
    },
    /** The queue consumers `npm start` runs: SQS-shaped batches, partial failures, back-off, dead letters. */
    startConsumers: async () => {
      for (const definition of Object.values(queues)) consumers.push(await startQueueConsumer(queue, definition, dependencies));
    },
    stopConsumers: async () => {
      await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
    },
    /** Waits until every queued interaction has been applied or dead-lettered. */
    drained: (timeoutMs = 240_000) =>
      waitFor('the interactions queue to drain', async () => ((await queue.depth(queues.interactions.name)).pending === 0 ? true : undefined), timeoutMs),
    /**
     * The scheduled recompute, as EventBridge invokes it; throws when the run fails. With `asOf`,
     * the clock stands still at that instant during the run, so two services score as of the same time.
     */
    recompute: async (asOf?: Date) => {
      if (asOf) vi.useFakeTimers({ toFake: ['Date'], now: asOf });
      try {
        await recompute(recomputeSchedule.input, lambdaContext(recomputeSchedule.target));
      } finally {
        if (asOf) vi.useRealTimers();
      }
    },
  };
};
