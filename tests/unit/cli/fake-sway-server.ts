/**
 * A loopback stand-in for the Sway HTTP API (CONTRACT §3, §4), just enough for end-to-end tests of
 * the CLI: it verifies signatures and tokens independently of the CLI's own code.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InfluencerSearchQuerySchema, type Influencer } from '../../../lib/app/api/schemas';
import { InteractionSchema } from '../../../lib/domain/interactions/schema';

export const TEST_SECRET = 'test-generic-secret';
export const TEST_ADMIN_TOKEN = 'test-admin-token';

export interface IngestRequestLog {
  items: number;
  signatureValid: boolean;
}

export interface FakeSwayOptions {
  /** Ingest answers 503 this many times before working. */
  unavailableIngests?: number;
  /** Items whose id starts with this are refused with 422, as if the server judged them invalid. */
  serverRejectPrefix?: string;
  /** `pending` in the stats, lowered by one at each stats call. */
  pending?: number;
  /** Polls of the run that answer `running` before it finishes. */
  runningPolls?: number;
  runOutcome?: 'succeeded' | 'failed';
  explainAvailable?: boolean;
  /** Admin routes take IAM authorization, as in AWS: SigV4 for execute-api with these credentials, checked here. */
  iam?: { accessKeyId: string; secretAccessKey: string; region: string };
}

const computedAt = '2025-01-02T03:04:05.000Z';

/** Campaign search's accounts, by relevance: handles and ids a CSV must quote or defuse. */
export const searchableInfluencers: Influencer[] = [
  {
    network: 'x',
    id: '42',
    handle: 'alice',
    score: 87.3,
    relevance: 91.2,
    rising: 3.24,
    topics: [
      { topic: 'rust', score: 91.2, rank: 1 },
      { topic: 'wasm', score: 55, rank: 12 },
    ],
  },
  {
    network: 'github',
    id: '=HYPERLINK("http://evil")',
    handle: null,
    score: 60,
    relevance: 70.5,
    rising: -1,
    topics: [{ topic: 'rust', score: 70.5, rank: 3 }],
  },
  { network: 'x', id: '7', handle: 'bob, "the builder"', score: 40, relevance: 30, rising: 0, topics: [{ topic: 'wasm', score: 30, rank: 40 }] },
];

const problem = (response: ServerResponse, status: number, title: string, detail: string, errors?: unknown[]) => {
  response.writeHead(status, { 'content-type': 'application/problem+json' });
  response.end(JSON.stringify({ type: `/problems/${title.toLowerCase().replace(/ /g, '-')}`, title, status, detail, ...(errors ? { errors } : {}) }));
};

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const validSignature = (body: Buffer, header: string | undefined): boolean => {
  const expected = Buffer.from(`sha256=${createHmac('sha256', TEST_SECRET).update(body).digest('hex')}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
};

/**
 * API Gateway's check of a SigV4 request, done with the SDK's own signer: the request signed again
 * with the caller's secret, at the time it states, over the headers it says it signed, must give the
 * same signature; the stated payload hash must be the body's.
 */
const validSigV4 = async (request: IncomingMessage, body: Buffer, iam: NonNullable<FakeSwayOptions['iam']>): Promise<boolean> => {
  const authorization =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/execute-api\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      request.headers.authorization ?? '',
    );
  const amzDate = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(String(request.headers['x-amz-date'] ?? ''));
  if (!authorization || !amzDate || authorization[1] !== iam.accessKeyId || authorization[3] !== iam.region) return false;
  const payloadHash = request.headers['x-amz-content-sha256'];
  if (payloadHash !== undefined && payloadHash !== createHash('sha256').update(body).digest('hex')) return false;
  const signedNames = authorization[4]!.split(';');
  if (!signedNames.includes('host') || !signedNames.includes('x-amz-date')) return false;
  const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
  const [, year, month, day, hour, minute, second] = amzDate.map(Number);
  const signer = new SignatureV4({ service: 'execute-api', region: iam.region, credentials: iam, sha256: Hash.bind(null, 'sha256') });
  const expected = await signer.sign(
    {
      method: request.method ?? 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(signedNames.map((name) => [name, String(request.headers[name] ?? '')])),
      body: body.length > 0 ? body : undefined,
    },
    { signingDate: new Date(Date.UTC(year!, month! - 1, day, hour, minute, second)) },
  );
  return expected.headers.authorization === request.headers.authorization;
};

export const startFakeSway = async (options: FakeSwayOptions = {}) => {
  const state = {
    ingests: [] as IngestRequestLog[],
    stored: new Map<string, unknown>(),
    unavailableIngests: options.unavailableIngests ?? 0,
    pending: options.pending ?? 0,
    statsCalls: 0,
    recomputeStartedWithPending: undefined as number | undefined,
    runPolls: 0,
    forgotten: [] as string[],
    redriveBodies: [] as string[],
    requests: [] as { method: string; url: string; headers: IncomingMessage['headers'] }[],
  };

  const ingest = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    const signatureValid = validSignature(body, request.headers['x-sway-signature'] as string | undefined);
    if (!/^application\/json/.test(request.headers['content-type'] ?? '')) return problem(response, 415, 'Unsupported Media Type', 'json please');
    if (!signatureValid) return problem(response, 401, 'Unauthorized', 'x-sway-signature is missing or does not match the body.');
    if (state.unavailableIngests > 0) {
      state.unavailableIngests--;
      return problem(response, 503, 'Service Unavailable', 'try again');
    }
    const { interactions } = JSON.parse(body.toString('utf8')) as { interactions: unknown[] };
    state.ingests.push({ items: interactions.length, signatureValid });
    const errors = interactions.flatMap((item, index) => {
      const parsed = InteractionSchema.safeParse(item);
      if (!parsed.success) return [{ index, reason: parsed.error.issues[0]?.message }];
      if (options.serverRejectPrefix && parsed.data.id.startsWith(options.serverRejectPrefix)) {
        return [{ index, reason: 'refused by the test server', fields: [] }];
      }
      return [];
    });
    if (errors.length) return problem(response, 422, 'Unprocessable Content', `${errors.length} invalid`, errors);
    let accepted = 0;
    for (const item of interactions as { network: string; id: string }[]) {
      const key = `${item.network}:${item.id}`;
      if (!state.stored.has(key)) accepted++;
      state.stored.set(key, item);
    }
    json(response, 202, { accepted, duplicates: interactions.length - accepted, ignored: 0 });
  };

  const run = () => ({
    runId: 'run-1',
    status: state.runPolls <= (options.runningPolls ?? 0) ? 'running' : (options.runOutcome ?? 'succeeded'),
    trigger: 'api',
    startedAt: '2025-01-02T03:00:00.000Z',
    finishedAt: state.runPolls <= (options.runningPolls ?? 0) ? null : '2025-01-02T03:00:12.500Z',
    topics: 7,
    accounts: 56,
    ...(options.runOutcome === 'failed' ? { error: 'the table was unreachable' } : {}),
  });

  const route = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const { pathname } = url;
    const method = request.method ?? 'GET';
    state.requests.push({ method, url: request.url ?? '', headers: request.headers });
    if (method === 'POST' && pathname === '/v1/interactions') return ingest(request, response);

    if (pathname.startsWith('/v1/admin/') || method === 'DELETE') {
      const body = await readBody(request);
      if (options.iam) {
        // API Gateway's answer to a request its IAM authorizer refuses.
        if (!(await validSigV4(request, body, options.iam))) return json(response, 403, { message: 'Forbidden' });
      } else if (request.headers.authorization !== `Bearer ${TEST_ADMIN_TOKEN}`) return problem(response, 401, 'Unauthorized', 'admin token required');
      if (method === 'GET' && pathname === '/v1/admin/stats') {
        state.statsCalls++;
        const stats = { interactions: state.stored.size, pending: state.pending, deadLetters: 0, accounts: 56, topics: 7, lastRun: null };
        state.pending = Math.max(0, state.pending - 1);
        return json(response, 200, stats);
      }
      if (method === 'POST' && pathname === '/v1/admin/recompute') {
        state.recomputeStartedWithPending = state.pending;
        return json(response, 202, { runId: 'run-1' });
      }
      if (method === 'GET' && pathname === '/v1/admin/runs/run-1') {
        state.runPolls++;
        return json(response, 200, run());
      }
      if (method === 'POST' && pathname === '/v1/admin/redrive') {
        const text = body.toString('utf8');
        state.redriveBodies.push(text);
        const only = text ? (JSON.parse(text) as { queue?: string }).queue : undefined;
        const all = [
          { queue: 'interactions', status: 'moved', messages: 3 },
          { queue: 'recompute-requests', status: 'started', messages: 1, taskHandle: 'task-1' },
        ];
        return json(response, 202, { queues: all.filter((redrive) => !only || redrive.queue === only) });
      }
      if (method === 'DELETE' && pathname.startsWith('/v1/accounts/')) {
        state.forgotten.push(pathname);
        response.writeHead(202);
        return response.end();
      }
    }

    const account = /^\/v1\/accounts\/([^/]+)\/([^/]+)(\/explain)?$/.exec(pathname);
    if (method === 'GET' && account) {
      const [, network, idOrHandle, explain] = account.map((part) => part && decodeURIComponent(part));
      if (idOrHandle === 'gone') return problem(response, 410, 'Gone', 'The account opted out.');
      if (network !== 'x' || (idOrHandle !== 'alice' && idOrHandle !== '42')) return problem(response, 404, 'Not Found', 'Never seen.');
      if (explain) {
        if (!options.explainAvailable) return problem(response, 404, 'Not Found', `No route for GET ${pathname}`);
        return json(response, 200, {
          topic: url.searchParams.get('topic'),
          factors: [
            { name: 'engagement', contribution: 0.75 },
            { name: 'reach', contribution: 0.25 },
          ],
          topEngagers: [{ account: { network: 'x', id: '7', handle: 'bob' }, weight: 12 }],
          topContent: [],
        });
      }
      return json(response, 200, {
        network: 'x',
        id: '42',
        handle: 'alice',
        score: 87.25,
        topics: [
          { topic: 'rust', score: 91.2, rank: 1 },
          { topic: 'wasm', score: 55, rank: 12 },
        ],
        computedAt,
      });
    }

    const board = /^\/v1(?:\/topics\/([^/]+))?\/leaderboard$/.exec(pathname);
    if (method === 'GET' && board) {
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const items = [
        { rank: 1, network: 'x', id: '42', handle: 'alice', score: 91.2 },
        { rank: 2, network: 'github', id: '7', handle: null, score: 80 },
      ].slice(0, limit);
      return json(response, 200, { items, nextCursor: limit < 2 ? 'page-2' : null, computedAt });
    }
    if (method === 'GET' && pathname === '/v1/search/influencers') {
      const parsed = InfluencerSearchQuerySchema.safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) return problem(response, 400, 'Bad Request', parsed.error.issues[0]?.message ?? 'bad query');
      const query = parsed.data;
      if (query.cursor === 'stale') return problem(response, 400, 'Bad Request', 'The cursor does not belong to this search.');
      const found = searchableInfluencers
        .map((influencer) => ({ ...influencer, topics: influencer.topics.filter((score) => query.topics.includes(score.topic)) }))
        .filter(
          (influencer) =>
            influencer.topics.length &&
            (!query.network || influencer.network === query.network) &&
            influencer.relevance >= (query.minScore ?? 0) &&
            influencer.relevance <= (query.maxScore ?? 100),
        )
        .sort((a, b) => (query.sort === 'rising' ? b.rising - a.rising : b.relevance - a.relevance));
      return json(response, 200, { items: found.slice(0, query.limit), nextCursor: found.length > query.limit ? 'page-2' : null });
    }
    problem(response, 404, 'Not Found', `No route for ${method} ${pathname}`);
  };

  const server = createServer((request, response) => {
    route(request, response).catch((error: Error) => problem(response, 500, 'Internal Server Error', error.message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
