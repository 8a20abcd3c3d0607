/**
 * Bad input at every route: seeded random and mutated requests (random bytes, valid requests with
 * a field changed, wrong types, huge numbers, unicode, missing and extra headers, bad signatures,
 * bad tokens, bad cursors, bad path parameters, other methods), through the local gateway's
 * routing and authorization into the real handlers, against a service holding real data; and,
 * mixed among them, requests that are valid in every respect.
 *
 * Never a 5xx; every refusal is problem+json with type, title, status and detail, and no stack
 * frame, secret or table name; a refused request writes nothing, and a route none of whose
 * requests was accepted leaves the tables exactly as they were (GET routes included). Every valid
 * request is accepted: it reached the route's handler, which alone answers with the route's
 * success status and a body of its schema — so a signer, token check or parser that refused
 * everything would fail here. Each route's test stands alone: no route's requests change what
 * another route's test reads (the opt-out route has accounts of its own), whatever their order.
 */
import { createHmac } from 'node:crypto';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { routes, type RouteDefinition } from '../../lib/wiring/routes';
import { queues } from '../../lib/wiring/workers';
import { anyBody, edits, mutateJson } from '../support/fuzz-inputs';
import {
  IN_PROCESS_ADMIN_TOKEN,
  IN_PROCESS_GENERIC_SECRET,
  startInProcessSway,
  type Answer,
  type InProcessRequest,
  type InProcessSway,
} from '../support/in-process-sway';
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
/**
 * Values that exist in the service: requests built from them reach the store. `leavers` are for the
 * opt-out route alone, which makes them answer 410: every other route reads `ids`, which nothing opts out.
 */
let known: { networks: string[]; ids: string[]; leavers: string[]; topics: string[]; cursors: string[]; runIds: string[]; profiles: string[] };

const snapshot = async (db: DynamoDBDocumentClient, table: string): Promise<string> => {
  const items: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }));
    items.push(
      ...(page.Items ?? []).map((item) => JSON.stringify(item, (_, value: unknown) => (value instanceof Set ? [...(value as Set<unknown>)].sort() : value))),
    );
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items.sort().join('\n');
};
/** Every message of every queue, its dead letters included. */
const queuesNow = async () =>
  JSON.stringify(await Promise.all(sway.queue.queueNames().map(async (queue) => [await sway.queue.messages(queue), await sway.queue.deadLetters(queue)])));
const tablesNow = async () => [await snapshot(sway.tables.db, sway.tables.mainTable), await queuesNow()];

/**
 * Drops what earlier routes' accepted deliveries queued (nothing consumes it here): otherwise every
 * later snapshot, and every valid `GET /v1/admin/stats` (it counts the queue), reads all of it.
 */
const clearInteractionsQueue = async () => {
  const queue = queues.interactions.name;
  await sway.queue.deleteMessages(
    queue,
    (await sway.queue.messages(queue)).map(({ messageId }) => messageId),
  );
};

beforeAll(async () => {
  // The routes that flush metrics do so on every request; a refused one has none, and Powertools
  // says so each time, on stderr: tens of thousands of lines that cost the run seconds.
  const write = process.stderr.write.bind(process.stderr) as (chunk: unknown, ...rest: unknown[]) => boolean;
  vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) =>
    String(chunk).startsWith('No application metrics') ? true : write(chunk, ...rest)) as typeof process.stderr.write);
  sway = await startInProcessSway();
  await sway.startConsumers();
  const world = [
    interaction({ type: 'post', id: 'fuzz-post', actor: { id: 'fuzz-star', handle: 'FuzzStar' }, contentId: 'c-fuzz', topics: ['fuzzing'] }),
    ...engagements('fuzz-star', 6, 'reply', ['fuzzing'], 'FuzzStar'),
    ...engagements('fuzz-rising', 3, 'like', ['fuzzing', 'testing']),
    ...engagements('fuzz-leaver', 2, 'like', ['fuzzing'], 'FuzzLeaver'),
  ];
  expect((await sway.ingest(JSON.stringify({ interactions: world }))).status).toBe(202);
  await sway.drained();
  await sway.stopConsumers();
  await sway.recompute();
  const started = JSON.parse((await sway.admin('POST', '/v1/admin/recompute')).body) as { runId: string };
  const page = JSON.parse((await sway.request({ method: 'GET', url: '/v1/topics/fuzzing/leaderboard?limit=1' })).body) as { nextCursor: string };
  expect((await sway.admin('PUT', '/v1/profiles/fuzz-profile', JSON.stringify({ name: 'Fuzz', accounts: [{ network: 'x', id: 'fuzz-star' }] }))).status).toBe(
    200,
  );
  known = {
    networks: ['x', 'mastodon'],
    ids: ['fuzz-star', 'FuzzStar', 'fuzz-rising', 'fuzz-star-fan-0'],
    leavers: ['fuzz-leaver', 'FuzzLeaver', 'fuzz-leaver-fan-0'],
    topics: ['fuzzing', 'testing'],
    cursors: [page.nextCursor],
    runIds: [started.runId],
    profiles: ['fuzz-profile'],
  };
  writes = recordWrites([sway.handlerDb, sway.tables.db], [sway.queue]);
}, 120_000);

const oddValues = [
  '',
  '-1',
  '0',
  '1e309',
  '99999999999999999999999',
  'NaN',
  'null',
  '[]',
  '{}',
  '%',
  '%zz',
  '%00',
  '..',
  '%2F',
  '\u0000',
  'ünïcödé',
  '🚀🚀',
  'a'.repeat(3000),
  '<script>',
  "' OR 1=1 --",
];
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40, unit: 'binary' }), fc.constantFrom(...oddValues));

const isOptOut = (route: RouteDefinition) => route.method === 'DELETE';

/** A value for a path parameter or query field: one that exists, a random one, an odd one; encoded or raw. */
const fieldValue = (route?: RouteDefinition) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .constantFrom(...known.networks, ...(route && isOptOut(route) ? known.leavers : known.ids), ...known.topics, ...known.runIds, ...known.profiles)
        .map(encodeURIComponent),
    },
    { weight: 3, arbitrary: text.map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.constantFrom(...oddValues.slice(9, 13)) },
  );

const badCursor = () =>
  fc.oneof(
    fc.constantFrom(...known.cursors),
    fc.string({ maxLength: 100 }).map((value) => Buffer.from(value).toString('base64url')),
    fc.jsonValue({ maxDepth: 2 }).map((value) => Buffer.from(JSON.stringify(value) ?? '').toString('base64url')),
    fc
      .record({ v: fc.string({ maxLength: 70 }), r: fc.oneof(fc.integer(), fc.double()) })
      .map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
    text,
  );

const QUERY_FIELDS = ['limit', 'cursor', 'network', 'topic', 'days', 'crc_token', 'hub.mode', 'hub.verify_token', 'hub.challenge'];
const query = () =>
  fc.dictionary(
    fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...QUERY_FIELDS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }),
    fc.oneof(fieldValue(), badCursor().map(encodeURIComponent), fc.constantFrom('1', '20', '100', '101', '365', 'subscribe', testSecrets.metaVerifyToken)),
    { maxKeys: 4 },
  );

const validIngestBody = fc.array(fc.constantFrom(...(['post', 'reply', 'like', 'follow'] as const)), { minLength: 1, maxLength: 3 }).map((types) => ({
  interactions: types.map((type, i) =>
    interaction({ type, id: `fuzz-valid-${i}`, actor: { id: 'fuzz-fan' }, target: type === 'post' ? undefined : { id: 'fuzz-star' } }),
  ),
}));

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

const webhookNetwork = (route: RouteDefinition): WebhookNetwork | undefined => WEBHOOK_NETWORKS.find((network) => route.path === `/v1/webhooks/${network}`);

/** Headers: a valid signature or token as often as not, else a wrong, tampered or missing one, and random extras. */
const headers = (route: RouteDefinition, sent: Buffer) =>
  fc
    .record(
      {
        'content-type': fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'text/plain',
          'application/x-www-form-urlencoded',
          '',
          'APPLICATION/JSON',
        ),
        authorization: fc.constantFrom(
          `Bearer ${IN_PROCESS_ADMIN_TOKEN}`,
          `Bearer ${IN_PROCESS_ADMIN_TOKEN}x`,
          'Bearer ',
          'Basic YTpi',
          `bearer ${IN_PROCESS_ADMIN_TOKEN.toUpperCase()}`,
        ),
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
    fc
      .tuple(fc.constantFrom(...fixtureDeliveries[network]), edits)
      .map(([{ file }, changes]) => Buffer.from(JSON.stringify(mutateJson(JSON.parse(fixture(network, file).toString('utf8')), changes)))),
  );
};

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'];

const requestFor = (route: RouteDefinition): fc.Arbitrary<InProcessRequest> => {
  const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map(() => fieldValue(route));
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
        const search = Object.entries(fields)
          .map(([name, value]) => `${encodeURIComponent(name)}=${value}`)
          .join('&');
        return { method, url: `${path}${search ? `?${search}` : ''}`, headers: chosen, body: sent };
      }),
    );
};

/** What must hold of every answer; returns what is wrong, or null. */
const judge = (answer: Answer, written: string[]): string | null => {
  if (answer.status >= 500) return `answered ${answer.status}: ${answer.body}`;
  for (const secret of SECRETS)
    if (answer.body.includes(secret) || Object.values(answer.headers).some((value) => value.includes(secret))) return 'leaks a secret';
  if (answer.body.includes(sway.tables.mainTable)) return 'names a table';
  if (answer.body.includes(sway.tables.queueDir)) return 'names a folder';
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

/**
 * Requests valid in every respect: the route must accept each one. Slack's URL verification is
 * the one valid delivery answered otherwise (200 with the challenge, CONTRACT §3).
 */
const validRequestFor = (route: RouteDefinition): fc.Arbitrary<InProcessRequest> => {
  const admin = { authorization: `Bearer ${IN_PROCESS_ADMIN_TOKEN}` };
  const get = (urls: fc.Arbitrary<string>, headers: Record<string, string> = {}) => urls.map((url) => ({ method: 'GET', url, headers }));
  const withBody = (method: string, url: string, document: unknown, headers: Record<string, string> = {}) => {
    const sent = Buffer.from(JSON.stringify(document));
    return { method, url, headers: { 'content-type': 'application/json', ...headers }, body: sent };
  };
  const network = webhookNetwork(route);
  if (network && route.method === 'POST') {
    return fc.constantFrom(...fixtureDeliveries[network]).map(({ file, event }) => {
      const sent = fixture(network, file);
      return { method: 'POST', url: route.path, headers: providerHeaders(network, sent, event ? { event } : {}), body: sent };
    });
  }
  const account = fc.constantFrom('fuzz-star', 'FuzzStar', 'fuzz-rising');
  switch (`${route.method} ${route.path}`) {
    case 'POST /v1/interactions':
      return validIngestBody.map((document) => {
        const request = withBody('POST', route.path, document);
        return {
          ...request,
          headers: { ...request.headers, 'x-sway-signature': `sha256=${createHmac('sha256', IN_PROCESS_GENERIC_SECRET).update(request.body).digest('hex')}` },
        };
      });
    case 'GET /v1/webhooks/x':
      return get(fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/).map((token) => `${route.path}?crc_token=${token}`));
    case 'GET /v1/webhooks/meta':
      return get(
        fc
          .stringMatching(/^[0-9]{1,12}$/)
          .map(
            (challenge) => `${route.path}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(testSecrets.metaVerifyToken)}&hub.challenge=${challenge}`,
          ),
      );
    case 'GET /v1/accounts/{network}/{idOrHandle}':
      return get(account.map((id) => `/v1/accounts/x/${id}`));
    case 'GET /v1/accounts/{network}/{idOrHandle}/explain':
      return get(
        fc.tuple(fc.constantFrom('fuzz-star', 'FuzzStar'), fc.constantFrom('', '?topic=fuzzing')).map(([id, query]) => `/v1/accounts/x/${id}/explain${query}`),
      );
    case 'GET /v1/accounts/{network}/{idOrHandle}/history':
      return get(
        fc
          .tuple(account, fc.constantFrom('', '?topic=fuzzing', '?days=365', '?topic=testing&days=1'))
          .map(([id, query]) => `/v1/accounts/x/${id}/history${query}`),
      );
    case 'GET /v1/leaderboard':
      return get(
        fc
          .tuple(fc.integer({ min: 1, max: 100 }), fc.constantFrom('', '&network=x', '&network=mastodon'))
          .map(([limit, query]) => `${route.path}?limit=${limit}${query}`),
      );
    case 'GET /v1/topics':
      return get(fc.integer({ min: 1, max: 100 }).map((limit) => `${route.path}?limit=${limit}`));
    case 'GET /v1/topics/{topic}/leaderboard':
      return get(
        fc.constantFrom(
          '/v1/topics/fuzzing/leaderboard',
          '/v1/topics/testing/leaderboard?network=x',
          `/v1/topics/fuzzing/leaderboard?limit=1&cursor=${encodeURIComponent(known.cursors[0]!)}`,
        ),
      );
    case 'GET /v1/accounts/{network}/{idOrHandle}/audience':
      return get(
        fc
          .tuple(account, account, fc.constantFrom('', '&topic=fuzzing', '&topic=no-such-topic'))
          .map(([id, other, query]) => `/v1/accounts/x/${id}/audience?with=x:${other}${query}`),
      );
    case 'GET /v1/search/influencers':
      return get(
        fc
          .tuple(
            fc.subarray(['fuzzing', 'testing', 'no-such-topic'], { minLength: 1 }),
            fc.constantFrom('', '&sort=rising', '&sort=relevance&minScore=0&maxScore=100', '&network=x&limit=1', '&maxScore=20.5'),
          )
          .map(([topics, query]) => `${route.path}?topics=${topics.join(',')}${query}`),
      );
    case 'PUT /v1/accounts/{network}/{id}/preferences':
      return fc
        .tuple(fc.constantFrom('fuzz-star', 'fuzz-rising', 'fuzz-unseen'), fc.boolean())
        .map(([id, campaigns]) => withBody('PUT', `/v1/accounts/x/${id}/preferences`, { campaigns }, admin));
    case 'GET /v1/accounts/{network}/{id}/preferences':
      return get(fc.constantFrom('fuzz-star', 'fuzz-rising', 'fuzz-unseen').map((id) => `/v1/accounts/x/${id}/preferences`));
    case 'DELETE /v1/accounts/{network}/{id}':
      return fc.constantFrom(...known.leavers).map((id) => ({ method: 'DELETE', url: `/v1/accounts/x/${id}`, headers: admin }));
    case 'PUT /v1/profiles/{profileId}':
      return fc
        .tuple(
          fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/),
          fc.option(
            fc.string({ minLength: 1, maxLength: 100 }).filter((name) => name.trim().length > 0),
            { nil: undefined },
          ),
        )
        .map(([profileId, name]) =>
          withBody('PUT', `/v1/profiles/${profileId}`, { ...(name ? { name } : {}), accounts: [{ network: 'x', id: 'fuzz-star' }] }, admin),
        );
    case 'GET /v1/profiles/{profileId}':
      return get(fc.constantFrom(...known.profiles.map((id) => `/v1/profiles/${id}`)));
    case 'POST /v1/admin/recompute':
      return fc.constant({ method: 'POST', url: route.path, headers: admin });
    case 'GET /v1/admin/runs/{runId}':
      return get(fc.constantFrom(...known.runIds.map((id) => `/v1/admin/runs/${id}`)), admin);
    case 'POST /v1/admin/redrive':
      return fc.constantFrom({}, { queue: 'interactions' }, { queue: 'recompute-requests' }).map((document) => withBody('POST', route.path, document, admin));
    case 'GET /v1/admin/stats':
      return get(fc.constant(route.path), admin);
    case 'GET /healthz':
    case 'GET /openapi.json':
      return get(fc.constant(route.path));
  }
  throw new Error(`no valid request for ${route.method} ${route.path}: add one`);
};

const SlackChallengeSchema = z.strictObject({ challenge: z.string().min(1) });
const isSlackVerification = (route: RouteDefinition, request: InProcessRequest) =>
  webhookNetwork(route) === 'slack' && Buffer.isBuffer(request.body) && request.body.includes('"url_verification"');

/** What must hold of the answer to a valid request: the route's success, from its handler. */
const judgeValid = (route: RouteDefinition, request: InProcessRequest, answer: Answer): string | null => {
  if (isSlackVerification(route, request)) {
    return answer.status === 200 && SlackChallengeSchema.safeParse(JSON.parse(answer.body)).success
      ? null
      : `Slack's URL verification answered ${answer.status}: ${answer.body.slice(0, 500)}`;
  }
  if (answer.status !== route.response.status) return `a valid request answered ${answer.status}, not ${route.response.status}: ${answer.body.slice(0, 500)}`;
  const contentType = route.response.contentType ?? 'application/json';
  if (!(answer.headers['content-type'] ?? '').startsWith(contentType)) return `a valid request answered ${answer.headers['content-type']}, not ${contentType}`;
  if (!route.response.schema) return null;
  const parsed = route.response.schema.safeParse(JSON.parse(answer.body));
  return parsed.success ? null : `a valid request answered a body that is not the route's: ${answer.body.slice(0, 500)}`;
};

const describeRequest = (request: InProcessRequest) =>
  JSON.stringify({ ...request, body: Buffer.isBuffer(request.body) ? request.body.toString('base64') : request.body });

const routeTable = routes as readonly RouteDefinition[];
const figures: Record<string, { statuses: Record<number, number>; valid: number }> = {};

afterAll(() => {
  const all = Object.values(figures);
  const total = all.reduce((sum, { statuses }) => sum + Object.values(statuses).reduce((a, b) => a + b, 0), 0);
  const valid = all.reduce((sum, route) => sum + route.valid, 0);
  console.log(
    `fuzz: ${RUNS} requests per route x ${all.length} of ${routeTable.length} routes = ${total} requests (${valid} of them valid, every one accepted by its handler): no 5xx, no leak, nothing stored by a refusal`,
  );
});

describe('bad input at every route', () => {
  it.each(routeTable.map((route, index) => [`${route.method} ${route.path}`, route, index] as const))(
    '%s: no 5xx, problem+json without stack, secret or table name, nothing stored when refused; valid requests accepted',
    async (name, route, index) => {
      const requests = fc.sample(
        fc.oneof(
          { weight: 9, arbitrary: requestFor(route).map((request) => ({ request, valid: false })) },
          { weight: 1, arbitrary: validRequestFor(route).map((request) => ({ request, valid: true })) },
        ),
        { seed: SEED + index, numRuns: RUNS },
      );
      await clearInteractionsQueue();
      const before = await tablesNow();
      const objectsBefore = await sway.objects.list('');
      const statuses: Record<number, number> = {};
      let accepted = 0;
      let valid = 0;
      const problemsFound: string[] = [];
      let next = 0;
      const worker = async () => {
        while (next < requests.length && problemsFound.length === 0) {
          const { request, valid: isValid } = requests[next++]!;
          const { result: answer, writes: written } = await writes.during(() => sway.request(request));
          statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
          if (written.length > 0 && answer.status < 400) accepted++;
          if (isValid) valid++;
          const wrong = judge(answer, written) ?? (isValid ? judgeValid(route, request, answer) : null);
          if (wrong) problemsFound.push(`${wrong}\nrequest: ${describeRequest(request)}`);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      expect(problemsFound).toEqual([]);
      // Valid requests were sent, and (above) every one was accepted by the route's handler.
      expect(valid).toBeGreaterThan(RUNS / 20);
      if (accepted === 0) expect(await tablesNow()).toEqual(before);
      // No route writes the log or the recompute's state itself: that is the apply step's and the recompute's.
      expect(await sway.objects.list('')).toEqual(objectsBefore);
      figures[name] = { statuses, valid };
    },
    // Generous: under load a route's requests take minutes.
    RUNS * 100,
  );
});
