/** The scheduled `consume-jetstream` function as Lambda runs it, configured by its variables only (SWAY_JETSTREAM_URL, SWAY_JETSTREAM_READ_SECONDS). */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/consume-jetstream';
import { localDependencies } from '../../infra/local/local-dependencies';
import { env } from '../../lib/wiring/config';
import { LocalQueue } from '../../lib/dev/local-queue';
import { IngestStore } from '../../lib/adapters/dynamodb/ingest-store';
import { Table } from '../../lib/adapters/dynamodb/table';
import { jetstreamSchedule } from '../../lib/wiring/workers';
import { recordedStream } from '../support/bluesky-fixtures';
import { isolatedTables } from '../support/isolated-tables';
import { startJetstreamReplay, type JetstreamReplay } from '../support/jetstream-replay';

const stream = recordedStream();
let server: JetstreamReplay;
let store: IngestStore;
let queue: LocalQueue;
const variables: Record<string, string | undefined> = {};
let handler: (event: unknown, context: Context) => Promise<Record<string, unknown>>;

beforeAll(async () => {
  const { db, mainTable, queueDir } = await isolatedTables();
  store = new IngestStore(new Table(db, mainTable));
  queue = new LocalQueue(queueDir);
  server = await startJetstreamReplay(stream);
  handler = createHandler(localDependencies({ db, tableName: mainTable, queue, logDir: '/nonexistent', variables })) as unknown as typeof handler;
});

afterAll(async () => {
  await server?.close();
});

/** The context Lambda passes: what matters here is the time the invocation has left. */
const contextFor = (timeoutMs: number): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: jetstreamSchedule.target,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${jetstreamSchedule.target}`,
    memoryLimitInMB: '1024',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${jetstreamSchedule.target}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

const invoke = async (timeoutMs = jetstreamSchedule.timeoutSeconds * 1000) => {
  const started = Date.now();
  const result = await handler(jetstreamSchedule.input, contextFor(timeoutMs));
  return { result, seconds: (Date.now() - started) / 1000 };
};

describe('consume-jetstream, the scheduled function', () => {
  it('does nothing while SWAY_JETSTREAM_URL is not set', async () => {
    const { result } = await invoke();
    expect(result).toEqual({ skipped: 'SWAY_JETSTREAM_URL is not set' });
    expect(server.subscriptions).toHaveLength(0);
  });

  it('reads from SWAY_JETSTREAM_URL for SWAY_JETSTREAM_READ_SECONDS, queues what it read and keeps the cursor', async () => {
    variables[env.jetstreamUrl] = server.url;
    variables[env.jetstreamReadSeconds] = '1.5';
    await store.saveJetstreamCursor(stream[0]!.time_us - 1, new Date().toISOString());

    const { result, seconds } = await invoke();

    expect(result).toMatchObject({ events: 16, accepted: 16, ignored: 2, cursorUs: stream.at(-1)!.time_us });
    expect(seconds).toBeGreaterThanOrEqual(1.4);
    expect(seconds).toBeLessThan(5);
    expect(await store.jetstreamCursor()).toBe(stream.at(-1)!.time_us);
    expect((await queue.depth('interactions')).pending).toBeGreaterThan(0);
  });

  it('stops in time to save its cursor when the invocation runs out of time first', async () => {
    delete variables[env.jetstreamReadSeconds];
    const { result, seconds } = await invoke(6_500);
    expect(seconds).toBeLessThan(3);
    // Resumed five seconds before its cursor: the last three events were read again.
    expect(result).toMatchObject({ connections: 1, events: 3, cursorUs: stream.at(-1)!.time_us });
    expect(server.subscriptions.at(-1)!.cursor).toBe(stream.at(-1)!.time_us - 5_000_000);
  });
});
