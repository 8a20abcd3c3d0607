import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type HttpProblem, problems } from '../../lib/adapters/http/problem';
import { sameSecret } from '../../lib/domain/networks/signature';
import type { Dependencies } from '../../lib/wiring/dependencies';
import { isApiPath, routeKey, routes, type RouteDefinition } from '../../lib/wiring/routes';
import { apiSecurityHeaders, type SecurityHeaders } from '../../web/security-headers';
import { lambdaContext, loadHandler, type LambdaHandler } from './lambda-context';
import { webFileResponse } from './static-site';

/** API Gateway HTTP APIs take payloads up to 10 MB; functions enforce their own, smaller limits. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

type HttpLambda = LambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

interface CompiledRoute {
  route: RouteDefinition;
  pattern: RegExp;
  parameterNames: string[];
}

export interface GatewayOptions {
  adminToken: string;
  /** What the routes' handlers are built from (infra/local/local-dependencies.ts). */
  dependencies: Dependencies;
  /** The built web pages (web/build.ts), served for GET paths outside the API that no route matches. */
  webRoot?: string;
  /**
   * What CloudFront adds to the API requests of the pages in AWS: this `x-api-key` in place of any
   * other, here on requests a browser makes from the pages themselves (`Sec-Fetch-Site:
   * same-origin`, a header page scripts cannot set). Like the CloudFront domain in AWS, it is a
   * door anyone can use; the site key's lookups are held by the routes' throttle, not a key's rate.
   */
  siteKey?: string;
}

/** One HTTP request as the gateway sees it; the body is read only once a route matched. */
export interface GatewayRequest {
  method: string;
  /** Path and query, as in the request line. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The raw body, or null when it is larger than the API accepts. */
  readBody: () => Promise<Buffer | null>;
  httpVersion?: string;
  sourceIp?: string;
}

export type GatewayRouter = (request: GatewayRequest) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * What API Gateway does with a request: match the route table, apply the route's authorization,
 * and invoke the route's handler module with an HTTP API v2 event; and what CloudFront adds in
 * front of it, the security headers (web pages get theirs from webFileResponse). Tests call it
 * in-process.
 */
export const createRouter = async (options: GatewayOptions): Promise<GatewayRouter> => {
  const compiled = (routes as readonly RouteDefinition[]).map(compileRoute);
  const handlers = new Map<string, HttpLambda>();
  for (const functionName of new Set(compiled.map(({ route }) => route.functionName))) {
    handlers.set(functionName, await loadHandler(functionName, options.dependencies));
  }
  return (request) => route(request, compiled, handlers, options);
};

/** The answer with these headers in place of any of the same name, as CloudFront's policies override the origin's. */
const withSecurityHeaders = (result: APIGatewayProxyStructuredResultV2, securityHeaders: SecurityHeaders): APIGatewayProxyStructuredResultV2 => {
  const names = new Set(Object.keys(securityHeaders));
  const kept = Object.entries(result.headers ?? {}).filter(([name]) => !names.has(name.toLowerCase()));
  return { ...result, headers: { ...Object.fromEntries(kept), ...securityHeaders } };
};

/** A thin stand-in for API Gateway on one machine: the router behind a Node HTTP server. */
export const startGateway = async (port: number, options: GatewayOptions): Promise<Server> => {
  const router = await createRouter(options);
  const server = createServer((request, response) => {
    const gatewayRequest: GatewayRequest = {
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      headers: request.headers,
      readBody: () => readBody(request),
      httpVersion: request.httpVersion,
      sourceIp: request.socket.remoteAddress,
    };
    router(gatewayRequest)
      .then((result) => {
        // A route that did not match leaves the body unread.
        request.resume();
        send(response, result);
      })
      .catch((error: unknown) => {
        console.error('local gateway error', error);
        if (!response.headersSent) send(response, withSecurityHeaders(problems.internal().toResponse(), apiSecurityHeaders));
      });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, resolve);
  });
  return server;
};

const route = async (
  request: GatewayRequest,
  compiled: CompiledRoute[],
  handlers: Map<string, HttpLambda>,
  options: GatewayOptions,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const url = new URL(request.url, 'http://localhost');
  const method = request.method.toUpperCase();
  // Outside the API, a path no route matches is the web site's (a page, an asset or its 404 page).
  if (options.webRoot && (method === 'GET' || method === 'HEAD') && !isApiPath(url.pathname) && !compiled.some(({ pattern }) => pattern.test(url.pathname))) {
    return webFileResponse(options.webRoot, url.pathname, method);
  }
  return withSecurityHeaders(await routeToApi(request, url, method, compiled, handlers, options), apiSecurityHeaders);
};

const routeToApi = async (
  request: GatewayRequest,
  url: URL,
  method: string,
  compiled: CompiledRoute[],
  handlers: Map<string, HttpLambda>,
  options: GatewayOptions,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const matches = compiled.map((candidate) => ({ candidate, match: candidate.pattern.exec(url.pathname) })).filter((found) => found.match !== null);
  const matched = matches.find(({ candidate }) => candidate.route.method === method);
  if (!matched) {
    const problem = matches.length
      ? problems.methodNotAllowed(
          `${method} is not allowed here.`,
          matches.map(({ candidate }) => candidate.route.method),
        )
      : problems.notFound(`There is no route ${method} ${url.pathname}.`);
    return problem.toResponse();
  }

  const body = await request.readBody();
  if (body === null) return problems.payloadTooLarge('The body is larger than the API accepts.').toResponse();

  const { route: matchedRoute, parameterNames } = matched.candidate;
  const authProblem = authorize(matchedRoute, request.headers, options.adminToken);
  if (authProblem) return authProblem.toResponse();

  const pathParameters: Record<string, string> = {};
  try {
    parameterNames.forEach((name, i) => {
      pathParameters[name] = decodeURIComponent(matched.match?.[i + 1] ?? '');
    });
  } catch {
    return problems.badRequest('The path is not validly encoded.').toResponse();
  }
  const fromThePages = options.siteKey !== undefined && request.headers['sec-fetch-site'] === 'same-origin';
  const event = toEvent(
    fromThePages ? { ...request, headers: { ...request.headers, 'x-api-key': options.siteKey } } : request,
    url,
    matchedRoute,
    pathParameters,
    body,
  );
  const handler = handlers.get(matchedRoute.functionName);
  if (!handler) throw new Error(`no handler for ${matchedRoute.functionName}`);
  return handler(event, lambdaContext(matchedRoute.functionName));
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

/**
 * What the IAM authorizer does for admin routes in AWS, with a bearer token here. API keys on
 * lookups are the handlers' own check (lib/adapters/http/api-keys.ts), in AWS as here.
 */
const authorize = (route: RouteDefinition, headers: IncomingHttpHeaders, adminToken: string): HttpProblem | null => {
  if (route.auth !== 'admin') return null;
  const token = /^Bearer (.+)$/i.exec(String(headers.authorization ?? ''))?.[1];
  return token && sameSecret(token, adminToken) ? null : problems.unauthorized('Admin routes need Authorization: Bearer <SWAY_ADMIN_TOKEN>.');
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

const toEvent = (request: GatewayRequest, url: URL, route: RouteDefinition, pathParameters: Record<string, string>, body: Buffer): APIGatewayProxyEventV2 => {
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
        protocol: `HTTP/${request.httpVersion ?? '1.1'}`,
        sourceIp: request.sourceIp ?? '127.0.0.1',
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
