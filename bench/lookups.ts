/**
 * Reads against the running service: account lookups (rate, against DynamoDB Local's GetItem rate
 * on the same items), leaderboard pages (latency), and what a lookup costs in capacity and Lambda
 * time, measured with the lookup handler in this process.
 */
import autocannon from 'autocannon';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { swayFunctionDefaults } from '../infra/constructs/sway-function';
import { boards, keys } from '../lib/adapters/dynamodb/keys';
import { BOARD_CHUNK_ENTRIES } from '../lib/adapters/dynamodb/boards-store';
import { tables } from '../lib/adapters/dynamodb/tables';
import { apiGatewayEvent } from '../tests/support/webhook-deliveries';
import { round, type BenchmarkResult } from './result';
import { awsPrices } from './support/aws-prices';
import { costPerMillion, describeCost } from './support/cost-model';
import type { InProcessFunctions } from './support/in-process';
import { concurrentDocumentClient } from './support/local-dynamodb';
import { percentile, runLoad, timeConcurrently } from './support/load';
import { env } from '../lib/wiring/config';
import { routeKey, routes, type RouteDefinition } from '../lib/wiring/routes';

export interface Account {
  network: string;
  id: string;
}

const CONNECTIONS = 50;
const accountPath = ({ network, id }: Account) => `/v1/accounts/${network}/${encodeURIComponent(id)}`;

/** Every account in the list, over and over, from `CONNECTIONS` connections for `seconds`. */
const lookupLoad = async (url: string, accounts: Account[], seconds: number) => {
  let next = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: accountPath(accounts[next++ % accounts.length]!) }) }],
  });
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count]));
  if (result.errors > 0 || Object.keys(statuses).some((status) => status !== '200')) {
    throw new Error(`lookup.throughput: ${result.errors} errors, statuses ${JSON.stringify(statuses)}`);
  }
  return { perSecond: result.requests.total / result.duration, count: result.requests.total, p50: result.latency.p50, p99: result.latency.p99 };
};

/** GetItem of the same account items, `CONNECTIONS` in flight, for `seconds`. */
const getItemRate = async (endpoint: string, accounts: Account[], seconds: number): Promise<number> => {
  const db = concurrentDocumentClient(endpoint, CONNECTIONS);
  let next = 0;
  let done = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) {
        const { network, id } = accounts[next++ % accounts.length]!;
        const { Item } = await db.send(new GetCommand({ TableName: tables.main.localName, Key: keys.accountScore(network, id) }));
        if (!Item) throw new Error(`lookup.throughput ceiling: no score item for ${network}:${id}`);
        done++;
      }
    }),
  );
  const rate = done / ((performance.now() - started) / 1000);
  db.destroy();
  return rate;
};

/** `GET /v1/accounts/{network}/{id}` requests/s at 50 connections, against GetItem/s at 50 in flight. */
export const benchLookupThroughput = async (url: string, endpoint: string, accounts: Account[], quick: boolean): Promise<BenchmarkResult> => {
  const seconds = quick ? 5 : 15;
  await lookupLoad(url, accounts, 2);
  const service = await lookupLoad(url, accounts, seconds);
  await getItemRate(endpoint, accounts, 1);
  const ceiling = await getItemRate(endpoint, accounts, seconds);
  return {
    name: 'lookup.throughput',
    value: round(service.perSecond),
    unit: 'requests/s',
    ceiling: round(ceiling),
    ratio: round(service.perSecond / ceiling, 3),
    notes: `autocannon, ${CONNECTIONS} connections, ${seconds} s after a 2 s warm-up, over ${accounts.length} scored accounts: ${service.count} lookups, all 200, p50 ${service.p50} ms, p99 ${service.p99} ms; ceiling: GetItem of the same items from this process, ${CONNECTIONS} in flight, ${seconds} s`,
  };
};

/**
 * The ceiling of a leaderboard page: what it reads, without Sway around it — one GetItem of the
 * board's pointer and one Query of a chunk of its entries, from this process, `CONNECTIONS` at a
 * time, first chunks and later ones alternately, `total` of them. Latency of each pair in ms.
 */
const boardReadLatency = async (endpoint: string, topic: string, total: number) => {
  const db = concurrentDocumentClient(endpoint, CONNECTIONS);
  const board = boards.leaderboard(topic);
  const { Item: pointer } = await db.send(new GetCommand({ TableName: tables.main.localName, Key: keys.boardPointer(board), ConsistentRead: true }));
  if (!pointer) throw new Error(`leaderboard.latency ceiling: no board ${board}`);
  const chunks = Math.max(1, Math.ceil(Number(pointer.count) / BOARD_CHUNK_ENTRIES));
  const timed = await timeConcurrently(CONNECTIONS, total, async (i) => {
    const { Item } = await db.send(new GetCommand({ TableName: tables.main.localName, Key: keys.boardPointer(board), ConsistentRead: true }));
    const chunk = keys.boardChunk(board, String(Item!.version), i % 2 === 0 ? 0 : (i >> 1) % chunks);
    const page = await db.send(
      new QueryCommand({
        TableName: tables.main.localName,
        KeyConditionExpression: 'pk = :pk AND sk = :sk',
        ExpressionAttributeValues: { ':pk': chunk.pk, ':sk': chunk.sk },
      }),
    );
    if (!page.Items?.length) throw new Error(`leaderboard.latency ceiling: no chunk ${chunk.sk} of ${board}`);
  });
  db.destroy();
  return timed;
};

/**
 * p99 of topic leaderboard pages, half first pages and half pages behind a cursor, 50 concurrent
 * over HTTP, against the ceiling of the same reads straight from DynamoDB Local at the same
 * concurrency; and, in the notes, the same pages one at a time through the handler in this
 * process: the latency one Lambda instance would add, without the local gateway's queue.
 */
export const benchLeaderboardLatency = async (url: string, endpoint: string, functions: InProcessFunctions, quick: boolean): Promise<BenchmarkResult> => {
  const topics = (await (await fetch(`${url}/v1/topics`)).json()) as { items: { topic: string; accounts: number }[] };
  const biggest = topics.items[0];
  if (!biggest) throw new Error('leaderboard.latency: no topic has a leaderboard');
  const firstPage = `/v1/topics/${encodeURIComponent(biggest.topic)}/leaderboard`;
  const cursors: string[] = [];
  for (let cursor: string | null = null; cursors.length < 50; ) {
    const page = (await (await fetch(`${url}${firstPage}${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`)).json()) as { nextCursor: string | null };
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
    cursors.push(cursor);
  }
  const cursorOf = (i: number) => (i % 2 === 0 ? undefined : cursors[i % cursors.length]);
  const pathOf = (i: number) => {
    const cursor = cursorOf(i);
    return cursor ? `${firstPage}?cursor=${encodeURIComponent(cursor)}` : firstPage;
  };
  const total = quick ? 2_000 : 10_000;
  await runLoad(url, CONNECTIONS, 200, (i) => ({ method: 'GET', path: pathOf(i) }));
  const load = await runLoad(url, CONNECTIONS, total, (i) => ({ method: 'GET', path: pathOf(i) }));
  if (load.statuses[200] !== total) throw new Error(`leaderboard.latency: statuses ${JSON.stringify(load.statuses)}`);
  await boardReadLatency(endpoint, biggest.topic, 200);
  const ceiling = await boardReadLatency(endpoint, biggest.topic, total);

  const handlerPage = async (i: number) => {
    const cursor = cursorOf(i);
    const event = apiGatewayEvent({ method: 'GET', path: firstPage, pathParameters: { topic: biggest.topic }, ...(cursor ? { query: { cursor } } : {}) });
    const started = performance.now();
    const response = await functions.invoke<unknown, APIGatewayProxyStructuredResultV2>('get-leaderboard', event);
    if (response.statusCode !== 200) throw new Error(`leaderboard.latency: the handler answered ${response.statusCode}`);
    return performance.now() - started;
  };
  await handlerPage(0); // loads the handler, as a cold start would
  const oneAtATime: number[] = [];
  for (let i = 0; i < total / 10; i++) oneAtATime.push(await handlerPage(i));
  oneAtATime.sort((a, b) => a - b);
  await functions.takeUsage();
  return {
    name: 'leaderboard.latency',
    value: round(load.p99),
    unit: 'ms',
    ceiling: round(ceiling.p99),
    ratio: round(ceiling.p99 / load.p99, 3),
    notes:
      `p50 ${round(load.p50)} ms; ${total} pages of ${biggest.topic} (${biggest.accounts} accounts, default page size): first pages and ${cursors.length} cursor pages alternately, ${CONNECTIONS} concurrent, ${round(load.perSecond)} pages/s; ` +
      `ceiling: one GetItem of the board pointer and one Query of a chunk of 100 entries, ${total} pairs from the bench process, ${CONNECTIONS} concurrent: p50 ${round(ceiling.p50)} ms, p99 ${round(ceiling.p99)} ms, ${round(ceiling.perSecond)} pairs/s; ` +
      `${oneAtATime.length} of the same pages one at a time through functions/get-leaderboard.ts in the bench process: p50 ${round(percentile(oneAtATime, 50))} ms, p99 ${round(percentile(oneAtATime, 99))} ms`,
  };
};

/**
 * Read capacity and Lambda time per lookup, from the lookup handler run in this process on the
 * same items, and what a million lookups cost from them.
 */
/** The API key of the keyed lookups of `cost.per_million_lookups_keyed`. */
const BENCH_API_KEY = 'bench-api-key';
const ACCOUNT_ROUTE_KEY = routeKey((routes as readonly RouteDefinition[]).find((route) => route.functionName === 'get-account')!);

export const benchLookupCost = async (functions: InProcessFunctions, accounts: Account[]): Promise<BenchmarkResult[]> => {
  const lookup = async (account: Account, headers: Record<string, string> = {}) => {
    const response = await functions.invoke<unknown, APIGatewayProxyStructuredResultV2>(
      'get-account',
      // API Gateway names the route, not the path, in routeKey: what the API-key check goes by.
      {
        ...apiGatewayEvent({ method: 'GET', path: accountPath(account), pathParameters: { network: account.network, idOrHandle: account.id }, headers }),
        routeKey: ACCOUNT_ROUTE_KEY,
      },
    );
    if (response.statusCode !== 200) throw new Error(`lookup.rcu: ${account.network}:${account.id} answered ${response.statusCode}`);
  };
  await lookup(accounts[0]!); // loads the handler, as a cold start would
  await functions.takeUsage();
  for (const account of accounts) await lookup(account);
  const { capacity, byFunction } = await functions.takeUsage();
  const invocations = byFunction.get('get-account') ?? { invocations: 0, billedMs: 0 };
  const lookups = accounts.length;
  const memoryMb = swayFunctionDefaults.memorySize;
  const cost = costPerMillion(
    {
      units: lookups,
      apiRequests: lookups,
      functions: [{ ...invocations, memoryMb }],
      readUnits: capacity.readUnits,
      writeUnits: capacity.writeUnits,
      sqsRequests: 0,
    },
    awsPrices,
  );

  // The same lookups behind an API key, whose rate is counted in the table (lib/adapters/dynamodb/lookup-rate-store.ts); a rate no lookup reaches.
  Object.assign(functions.variables, { [env.apiKeys]: BENCH_API_KEY, [env.apiKeyRate]: String(Number.MAX_SAFE_INTEGER) });
  let keyed: Awaited<ReturnType<InProcessFunctions['takeUsage']>>;
  try {
    for (const account of accounts) await lookup(account, { 'x-api-key': BENCH_API_KEY });
    keyed = await functions.takeUsage();
  } finally {
    delete functions.variables[env.apiKeys];
    delete functions.variables[env.apiKeyRate];
  }
  const keyedInvocations = keyed.byFunction.get('get-account') ?? { invocations: 0, billedMs: 0 };
  const keyedCost = costPerMillion(
    {
      units: lookups,
      apiRequests: lookups,
      functions: [{ ...keyedInvocations, memoryMb }],
      readUnits: keyed.capacity.readUnits,
      writeUnits: keyed.capacity.writeUnits,
      sqsRequests: 0,
    },
    awsPrices,
  );
  return [
    {
      name: 'lookup.rcu',
      value: round(capacity.readUnits / lookups, 3),
      unit: 'RCU/lookup',
      notes: `${lookups} lookups by id through functions/get-account.ts in the bench process, ReturnConsumedCapacity counted on its DynamoDB client: ${capacity.readUnits} RCU, ${capacity.writeUnits} WCU in ${capacity.calls} calls (one eventually consistent GetItem of an item under 4 KB each)`,
    },
    {
      name: 'cost.per_million_lookups',
      value: round(cost.total, 3),
      unit: '$/million lookups',
      notes: `${describeCost(cost)}; Lambda ${memoryMb} MB arm64, ${round(invocations.billedMs / lookups, 1)} ms billed per lookup measured in-process against DynamoDB Local; ${awsPrices.region} on-demand prices of ${awsPrices.checked}`,
    },
    {
      name: 'cost.per_million_lookups_keyed',
      value: round(keyedCost.total, 3),
      unit: '$/million lookups',
      notes:
        `the same ${lookups} lookups with SWAY_API_KEYS set and a valid x-api-key, each counted in the table for the key's rate: ${keyed.capacity.readUnits} RCU, ${keyed.capacity.writeUnits} WCU in ${keyed.capacity.calls} calls; ` +
        `${describeCost(keyedCost)}; ${round(keyedInvocations.billedMs / lookups, 1)} ms billed per lookup`,
    },
  ];
};
