import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpProblem, problems } from '../../lib/http/problem';
import { sameSecret } from '../../lib/http/signature';
import { routeKey, routes, type RouteDefinition } from '../../lib/routes';
import { lambdaContext, loadHandler, type LambdaHandler } from './lambda-context';

/** API Gateway HTTP APIs take payloads up to 10 MB; functions enforce their own, smaller limits. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
const HANDLER_TIMEOUT_MS = 30_000;

type HttpLambda = LambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

interface CompiledRoute {
  route: RouteDefinition;
  pattern: RegExp;
  parameterNames: string[];
}

export interface GatewayOptions {
  adminToken: string;
  /** Accepted `x-api-key` values for lookups; empty = lookups open. */
  apiKeys: string[];
}

/**
 * A thin stand-in for API Gateway on one machine: matches the route table, applies the route's
 * authorization, and invokes the same handler module Lambda runs with an HTTP API v2 event.
 */
export const startGateway = async (port: number, options: GatewayOptions): Promise<Server> => {
  const compiled = (routes as readonly RouteDefinition[]).map(compileRoute);
  const handlers = new Map<string, HttpLambda>();
  for (const functionName of new Set(compiled.map(({ route }) => route.functionName))) {
    handlers.set(functionName, await loadHandler(functionName));
  }

  const server = createServer((request, response) => {
    handle(request, response, compiled, handlers, options).catch((error: unknown) => {
      console.error('local gateway error', error);
      if (!response.headersSent) send(response, problems.internal().toResponse());
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, resolve);
  });
  return server;
};

const handle = async (
  request: IncomingMessage,
  response: ServerResponse,
  compiled: CompiledRoute[],
  handlers: Map<string, HttpLambda>,
  options: GatewayOptions,
): Promise<void> => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = (request.method ?? 'GET').toUpperCase();
  const matches = compiled
    .map((candidate) => ({ candidate, match: candidate.pattern.exec(url.pathname) }))
    .filter((found) => found.match !== null);
  const matched = matches.find(({ candidate }) => candidate.route.method === method);
  if (!matched) {
    request.resume();
    const problem = matches.length
      ? problems.methodNotAllowed(`${method} is not allowed here.`, matches.map(({ candidate }) => candidate.route.method))
      : problems.notFound(`There is no route ${method} ${url.pathname}.`);
    return send(response, problem.toResponse());
  }

  const body = await readBody(request);
  if (body === null) return send(response, problems.payloadTooLarge('The body is larger than the API accepts.').toResponse());

  const { route, parameterNames } = matched.candidate;
  const authProblem = authorize(route, request, options);
  if (authProblem) return send(response, authProblem.toResponse());

  const pathParameters: Record<string, string> = {};
  try {
    parameterNames.forEach((name, i) => (pathParameters[name] = decodeURIComponent(matched.match?.[i + 1] ?? '')));
  } catch {
    return send(response, problems.badRequest('The path is not validly encoded.').toResponse());
  }
  const event = toEvent(request, url, route, pathParameters, body);
  const handler = handlers.get(route.functionName);
  if (!handler) throw new Error(`no handler for ${route.functionName}`);
  send(response, await handler(event, lambdaContext(route.functionName, HANDLER_TIMEOUT_MS)));
};

const compileRoute = (route: RouteDefinition): CompiledRoute => {
  const parameterNames: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const parameter = /^\{(\w+)\}$/.exec(segment);
      if (!parameter?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      parameterNames.push(parameter[1]);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), parameterNames };
};

/** What API Gateway's authorizers do in AWS: IAM for admin routes (a bearer token here), API keys for lookups. */
const authorize = (route: RouteDefinition, request: IncomingMessage, options: GatewayOptions): HttpProblem | null => {
  if (route.auth === 'admin') {
    const token = /^Bearer (.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
    if (!token || !sameSecret(token, options.adminToken)) {
      return problems.unauthorized('Admin routes need Authorization: Bearer <SWAY_ADMIN_TOKEN>.');
    }
  }
  if (route.auth === 'lookup' && options.apiKeys.length > 0) {
    const key = String(request.headers['x-api-key'] ?? '');
    if (!options.apiKeys.some((accepted) => sameSecret(key, accepted))) {
      return problems.unauthorized('Lookups need a valid x-api-key.');
    }
  }
  return null;
};

const readBody = async (request: IncomingMessage): Promise<Buffer | null> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) {
      request.destroy();
      return null;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};

const toEvent = (
  request: IncomingMessage,
  url: URL,
  route: RouteDefinition,
  pathParameters: Record<string, string>,
  body: Buffer,
): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && name !== 'cookie') headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  // Like API Gateway: text stays text; bytes that are not valid UTF-8 arrive base64-encoded.
  const text = body.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(body);
  const now = new Date();
  const key = routeKey(route);
  return {
    version: '2.0',
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(request.headers.cookie ? { cookies: request.headers.cookie.split(/;\s*/) } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: route.method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: key,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: isText ? text : body.toString('base64'), isBase64Encoded: !isText } : { isBase64Encoded: false }),
  };
};

const send = (response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void => {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? '' : result.body;
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
};
