/**
 * Bad input at every route: seeded random and mutated requests (random bytes, valid requests with
 * a field changed, wrong types, huge numbers, unicode, missing and extra headers, bad signatures,
 * bad tokens, bad cursors, bad path parameters, other methods), through the local gateway's
 * routing and authorization into the real handlers, against a service holding real data.
 *
 * Never a 5xx; every refusal is problem+json with type, title, status and detail, and no stack
 * frame, secret or table name; a refused request writes nothing, and a route none of whose
 * requests was accepted leaves the tables exactly as they were (GET routes included).
 */
import { createHmac } from 'node:crypto';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes, type RouteDefinition } from '../../lib/routes';
import { queues } from '../../lib/workers';
import { anyBody, edits, mutateJson } from '../support/fuzz-inputs';
import { IN_PROCESS_ADMIN_TOKEN, IN_PROCESS_GENERIC_SECRET, startInProcessSway, type Answer, type InProcessRequest, type InProcessSway } from '../support/in-process-sway';
import { engagements, interaction } from '../support/interactions';
import { fixture, fixtureDeliveries, providerHeaders, testSecrets, WEBHOOK_NETWORKS, type WebhookNetwork } from '../support/webhook-deliveries';
import { recordWrites } from '../support/write-recorder';

const SEED = 20_261_127;
const RUNS = Number(process.env.SWAY_FUZZ_RUNS ?? 10_000);
const CONCURRENCY = 16;
const SECRETS = [IN_PROCESS_ADMIN_TOKEN, IN_PROCESS_GENERIC_SECRET, ...Object.values(testSecrets)];
const STACK_FRAME = /^\s*at\s|\bat\s+\S+\s+\(|\.(?:ts|js|mjs|cjs):\d+|node_modules|\/work\//m;

let sway: InProcessSway;
let writes: ReturnType<typeof recordWrites>;
/** Values that exist in the service: requests built from them reach the store. */
let known: { networks: string[]; ids: string[]; topics: string[]; cursors: string[]; runIds: string[] };

const snapshot = async (db: DynamoDBDocumentClient, table: string): Promise<string> => {
  const items: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []).map((item) => JSON.stringify(item, (_, value: unknown) => (value instanceof Set ? [...(value as Set<unknown>)].sort() : value))));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items.sort().join('\n');
};
const tablesNow = async () => [await snapshot(sway.tables.db, sway.tables.mainTable), await snapshot(sway.tables.db, sway.tables.queueTable)];

/**
 * Drops what earlier routes' accepted deliveries queued (nothing consumes it here): otherwise every
 * later snapshot, and every valid `GET /v1/admin/stats` (it counts the queue), reads all of it.
 */
const clearInteractionsQueue = async () => {
  const queue = queues.interactions.name;
  await sway.queue.deleteMessages(queue, (await sway.queue.messages(queue)).map(({ messageId }) => messageId));
};

beforeAll(async () => {
  sway = await startInProcessSway();
  await sway.startConsumers();
  const world = [
    interaction({ type: 'post', id: 'fuzz-post', actor: { id: 'fuzz-star', handle: 'FuzzStar' }, contentId: 'c-fuzz', topics: ['fuzzing'] }),
    ...engagements('fuzz-star', 6, 'reply', ['fuzzing'], 'FuzzStar'),
    ...engagements('fuzz-rising', 3, 'like', ['fuzzing', 'testing']),
  ];
  expect((await sway.ingest(JSON.stringify({ interactions: world }))).status).toBe(202);
  await sway.drained();
  await sway.stopConsumers();
  await sway.recompute();
  const started = JSON.parse((await sway.admin('POST', '/v1/admin/recompute')).body) as { runId: string };
  const page = JSON.parse((await sway.request({ method: 'GET', url: '/v1/topics/fuzzing/leaderboard?limit=1' })).body) as { nextCursor: string };
  known = { networks: ['x', 'mastodon'], ids: ['fuzz-star', 'FuzzStar', 'fuzz-rising', 'fuzz-star-fan-0'], topics: ['fuzzing', 'testing'], cursors: [page.nextCursor], runIds: [started.runId] };
  writes = recordWrites([sway.handlerDb, sway.tables.db]);
}, 120_000);

const oddValues = ['', '-1', '0', '1e309', '99999999999999999999999', 'NaN', 'null', '[]', '{}', '%', '%zz', '%00', '..', '%2F', '\u0000', 'ünïcödé', '🚀🚀', 'a'.repeat(3000), '<script>', "' OR 1=1 --"];
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40, unit: 'binary' }), fc.constantFrom(...oddValues));

/** A value for a path parameter or query field: one that exists, a random one, an odd one; encoded or raw. */
const fieldValue = () =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known.networks, ...known.ids, ...known.topics, ...known.runIds).map(encodeURIComponent) },
    { weight: 3, arbitrary: text.map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.constantFrom(...oddValues.slice(9, 13)) },
  );

const badCursor = () =>
  fc.oneof(
    fc.constantFrom(...known.cursors),
    fc.string({ maxLength: 100 }).map((value) => Buffer.from(value).toString('base64url')),
    fc.jsonValue({ maxDepth: 2 }).map((value) => Buffer.from(JSON.stringify(value) ?? '').toString('base64url')),
    fc.record({ v: fc.string({ maxLength: 70 }), r: fc.oneof(fc.integer(), fc.double()) }).map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
    text,
  );

const QUERY_FIELDS = ['limit', 'cursor', 'network', 'topic', 'days', 'crc_token', 'hub.mode', 'hub.verify_token', 'hub.challenge'];
const query = () =>
  fc.dictionary(
    fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...QUERY_FIELDS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }),
    fc.oneof(fieldValue(), badCursor().map(encodeURIComponent), fc.constantFrom('1', '20', '100', '101', '365', 'subscribe', testSecrets.metaVerifyToken)),
    { maxKeys: 4 },
  );

const validIngestBody = fc
  .array(fc.constantFrom(...(['post', 'reply', 'like', 'follow'] as const)), { minLength: 1, maxLength: 3 })
  .map((types) => ({ interactions: types.map((type, i) => interaction({ type, id: `fuzz-valid-${i}`, actor: { id: 'fuzz-fan' }, target: type === 'post' ? undefined : { id: 'fuzz-star' } })) }));

/** A body for the route: random, a valid one, or a valid one with values replaced, removed or added. */
const body = (route: RouteDefinition) => {
  const valid: fc.Arbitrary<unknown> =
    route.path === '/v1/interactions'
      ? validIngestBody
      : route.path === '/v1/admin/redrive'
        ? fc.constantFrom({}, { queue: 'interactions' }, { queue: 'recompute-requests' })
        : fc.constant({});
  return fc.oneof(
    { weight: 3, arbitrary: anyBody },
    { weight: 2, arbitrary: fc.tuple(valid, edits).map(([document, changes]) => Buffer.from(JSON.stringify(mutateJson(document, changes)))) },
    { weight: 1, arbitrary: valid.map((document) => Buffer.from(JSON.stringify(document))) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
  );
};

const webhookNetwork = (route: RouteDefinition): WebhookNetwork | undefined =>
  WEBHOOK_NETWORKS.find((network) => route.path === `/v1/webhooks/${network}`);

/** Headers: a valid signature or token as often as not, else a wrong, tampered or missing one, and random extras. */
const headers = (route: RouteDefinition, sent: Buffer) =>
  fc
    .record(
      {
        'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', '', 'APPLICATION/JSON'),
        authorization: fc.constantFrom(`Bearer ${IN_PROCESS_ADMIN_TOKEN}`, `Bearer ${IN_PROCESS_ADMIN_TOKEN}x`, 'Bearer ', 'Basic YTpi', `bearer ${IN_PROCESS_ADMIN_TOKEN.toUpperCase()}`),
        'x-sway-signature': fc.oneof(
          fc.constant(`sha256=${createHmac('sha256', IN_PROCESS_GENERIC_SECRET).update(sent).digest('hex')}`),
          fc.string({ maxLength: 80 }),
          fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }).map((hex) => `sha256=${hex}`),
        ),
        'if-none-match': fc.oneof(fc.constant('*'), fc.string({ maxLength: 40 })),
        'x-api-key': fc.string({ maxLength: 40 }),
        extra: fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 200 })),
        provider: fc.boolean(),
      },
      { requiredKeys: [] },
    )
    .map(({ extra, provider, ...chosen }) => {
      const network = webhookNetwork(route);
      const event = network ? fixtureDeliveries[network][sent.length % fixtureDeliveries[network].length]?.event : undefined;
      return {
        ...(extra ? { [extra[0].toLowerCase()]: extra[1] } : {}),
        ...(network && provider ? providerHeaders(network, sent, event ? { event } : {}) : {}),
        ...Object.fromEntries(Object.entries(chosen).filter(([, value]) => value !== undefined)),
      } as Record<string, string>;
    });

/** Webhook routes also get their providers' real deliveries, mutated after or before signing. */
const webhookBody = (route: RouteDefinition) => {
  const network = webhookNetwork(route);
  if (!network || route.method !== 'POST') return body(route);
  return fc.oneof(
    body(route),
    fc.tuple(fc.constantFrom(...fixtureDeliveries[network]), edits).map(([{ file }, changes]) => Buffer.from(JSON.stringify(mutateJson(JSON.parse(fixture(network, file).toString('utf8')), changes)))),
  );
};

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'];

const requestFor = (route: RouteDefinition): fc.Arbitrary<InProcessRequest> => {
  const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map(() => fieldValue());
  return fc
    .record({
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(route.method as string) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      values: fc.tuple(...parameters),
      query: query(),
      body: route.method === 'GET' ? fc.oneof({ weight: 9, arbitrary: fc.constant(Buffer.alloc(0)) }, { weight: 1, arbitrary: anyBody }) : webhookBody(route),
    })
    .chain(({ method, values, query: fields, body: sent }) =>
      headers(route, sent).map((chosen) => {
        let index = 0;
        const path = route.path.replace(/\{\w+\}/g, () => String(values[index++]));
        const search = Object.entries(fields).map(([name, value]) => `${encodeURIComponent(name)}=${value}`).join('&');
        return { method, url: `${path}${search ? `?${search}` : ''}`, headers: chosen, body: sent };
      }),
    );
};

/** What must hold of every answer; returns what is wrong, or null. */
const judge = (answer: Answer, written: string[]): string | null => {
  if (answer.status >= 500) return `answered ${answer.status}: ${answer.body}`;
  for (const secret of SECRETS) if (answer.body.includes(secret) || Object.values(answer.headers).some((value) => value.includes(secret))) return 'leaks a secret';
  for (const table of [sway.tables.mainTable, sway.tables.queueTable]) if (answer.body.includes(table)) return 'names a table';
  if (answer.status < 400) return null;
  if (written.length > 0) return `refused with ${answer.status} but wrote ${written.join(', ')}`;
  if (answer.headers['content-type'] !== 'application/problem+json') return `a ${answer.status} that is not problem+json`;
  let problem: Record<string, unknown>;
  try {
    problem = JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    return 'a problem body that is not JSON';
  }
  if (typeof problem.type !== 'string' || typeof problem.title !== 'string' || typeof problem.detail !== 'string' || problem.status !== answer.status) {
    return `a problem without type, title, status and detail: ${answer.body}`;
  }
  if (STACK_FRAME.test(answer.body)) return `a problem with a stack trace or file path: ${answer.body}`;
  return null;
};

const describeRequest = (request: InProcessRequest) =>
  JSON.stringify({ ...request, body: Buffer.isBuffer(request.body) ? request.body.toString('base64') : request.body });

const routeTable = routes as readonly RouteDefinition[];
const statuses: Record<string, Record<number, number>> = {};
const started = Date.now();

describe('bad input at every route', () => {
  it.each(routeTable.map((route, index) => [`${route.method} ${route.path}`, route, index] as const))(
    '%s: no 5xx, problem+json without stack, secret or table name, nothing stored when refused',
    async (name, route, index) => {
      const requests = fc.sample(requestFor(route), { seed: SEED + index, numRuns: RUNS });
      await clearInteractionsQueue();
      const before = await tablesNow();
      const counts: Record<number, number> = {};
      let accepted = 0;
      const problemsFound: string[] = [];
      let next = 0;
      const worker = async () => {
        while (next < requests.length && problemsFound.length === 0) {
          const request = requests[next++]!;
          const { result: answer, writes: written } = await writes.during(() => sway.request(request));
          counts[answer.status] = (counts[answer.status] ?? 0) + 1;
          if (written.length > 0 && answer.status < 400) accepted++;
          const wrong = judge(answer, written);
          if (wrong) problemsFound.push(`${wrong}\nrequest: ${describeRequest(request)}`);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      expect(problemsFound).toEqual([]);
      if (accepted === 0) expect(await tablesNow()).toEqual(before);
      statuses[name] = counts;
    },
    // Generous: under load a route's requests take minutes.
    RUNS * 100,
  );

  it('covered every route', () => {
    expect(Object.keys(statuses)).toHaveLength(routeTable.length);
    const total = Object.values(statuses).reduce((sum, counts) => sum + Object.values(counts).reduce((a, b) => a + b, 0), 0);
    console.log(`fuzz: ${RUNS} requests per route x ${routeTable.length} routes = ${total} requests in ${((Date.now() - started) / 1000).toFixed(1)} s, no 5xx, no leak, nothing stored by a refusal`);
  });
});
