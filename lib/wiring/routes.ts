/**
 * The one route table. The CDK stateless stack turns it into HTTP API routes and Lambda functions;
 * the local gateway serves it with the same handler modules; the OpenAPI document is generated from it.
 */
import type { z } from 'zod';
import { IngestRequestSchema, IngestResultSchema } from '../domain/interactions/schema';
import { webhookRoutes } from './webhook-routes';
import {
  AccountPathSchema,
  AccountSchema,
  AudienceQuerySchema,
  AudienceSchema,
  ExplainQuerySchema,
  ExplanationSchema,
  ForgetPathSchema,
  ForgetResultSchema,
  HealthSchema,
  HistoryQuerySchema,
  HistorySchema,
  InfluencerSearchQuerySchema,
  InfluencerSearchSchema,
  LeaderboardQuerySchema,
  LeaderboardSchema,
  PageQuerySchema,
  PreferencesSchema,
  ProfilePathSchema,
  ProfileRequestSchema,
  ProfileSchema,
  RedriveRequestSchema,
  RedriveResultSchema,
  RunPathSchema,
  RunSchema,
  StartedRunSchema,
  StatsSchema,
  TopicListSchema,
  TopicPathSchema,
} from '../app/api/schemas';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * - `public`: open to anyone.
 * - `lookup`: open, or behind `x-api-key` when API keys are configured.
 * - `signed`: the handler verifies an HMAC over the raw body; the gateway lets everything through.
 * - `admin`: IAM authorization in AWS, `Authorization: Bearer $SWAY_ADMIN_TOKEN` locally.
 */
export type RouteAuth = 'public' | 'lookup' | 'signed' | 'admin';

export interface RouteDefinition {
  method: HttpMethod;
  path: string;
  /** File name in functions/ (without .ts) whose `handler` serves this route. */
  functionName: string;
  auth: RouteAuth;
  summary: string;
  request?: { path?: z.ZodType; query?: z.ZodType; body?: z.ZodType; bodyContentType?: string };
  /** Success response: status and schema (undefined = not JSON). */
  response: { status: number; schema?: z.ZodType; contentType?: string };
  /** Whether the response may be cached by clients (ETag / If-None-Match). */
  cacheable?: boolean;
}

export const routes = [
  {
    method: 'POST',
    path: '/v1/interactions',
    functionName: 'ingest-interactions',
    auth: 'signed',
    summary: 'Ingest a signed batch of canonical interactions (all-or-nothing)',
    request: { body: IngestRequestSchema },
    response: { status: 202, schema: IngestResultSchema },
  },
  ...webhookRoutes,
  {
    method: 'GET',
    path: '/v1/accounts/{network}/{idOrHandle}',
    functionName: 'get-account',
    auth: 'lookup',
    summary: "An account's overall score and topic scores",
    request: { path: AccountPathSchema },
    response: { status: 200, schema: AccountSchema },
    cacheable: true,
  },
  {
    method: 'GET',
    path: '/v1/accounts/{network}/{idOrHandle}/explain',
    functionName: 'get-explanation',
    auth: 'lookup',
    summary: 'Why the score is what it is: factor contributions that add up to it, top engagers, top content',
    request: { path: AccountPathSchema, query: ExplainQuerySchema },
    response: { status: 200, schema: ExplanationSchema },
    cacheable: true,
  },
  {
    method: 'GET',
    path: '/v1/accounts/{network}/{idOrHandle}/history',
    functionName: 'get-history',
    auth: 'lookup',
    summary: 'The score one point a day, oldest first',
    request: { path: AccountPathSchema, query: HistoryQuerySchema },
    response: { status: 200, schema: HistorySchema },
    cacheable: true,
  },
  {
    method: 'GET',
    path: '/v1/leaderboard',
    functionName: 'get-leaderboard',
    auth: 'lookup',
    summary: 'The overall leaderboard',
    request: { query: LeaderboardQuerySchema },
    response: { status: 200, schema: LeaderboardSchema },
    cacheable: true,
  },
  {
    method: 'GET',
    path: '/v1/topics',
    functionName: 'list-topics',
    auth: 'lookup',
    summary: 'Topics with their number of scored accounts, largest first',
    request: { query: PageQuerySchema },
    response: { status: 200, schema: TopicListSchema },
    cacheable: true,
  },
  {
    method: 'GET',
    path: '/v1/topics/{topic}/leaderboard',
    functionName: 'get-leaderboard',
    auth: 'lookup',
    summary: "A topic page's leaderboard",
    request: { path: TopicPathSchema, query: LeaderboardQuerySchema },
    response: { status: 200, schema: LeaderboardSchema },
    cacheable: true,
  },
  {
    method: 'GET',
    path: '/v1/accounts/{network}/{idOrHandle}/audience',
    functionName: 'get-audience',
    auth: 'lookup',
    summary: 'Distinct engagers of two accounts in the window, and how many they share',
    request: { path: AccountPathSchema, query: AudienceQuerySchema },
    response: { status: 200, schema: AudienceSchema },
    cacheable: true,
  },
  {
    method: 'GET',
    path: '/v1/search/influencers',
    functionName: 'search-influencers',
    auth: 'lookup',
    summary: 'Campaign search: accounts by relevance to a set of topics (or rising), without opted-out, declined or flagged accounts',
    request: { query: InfluencerSearchQuerySchema },
    response: { status: 200, schema: InfluencerSearchSchema },
    cacheable: true,
  },
  {
    method: 'PUT',
    path: '/v1/accounts/{network}/{id}/preferences',
    functionName: 'put-preferences',
    auth: 'admin',
    summary: "Set an account's preferences: campaigns false keeps it out of campaign search",
    request: { path: ForgetPathSchema, body: PreferencesSchema },
    response: { status: 200, schema: PreferencesSchema },
  },
  {
    method: 'GET',
    path: '/v1/accounts/{network}/{id}/preferences',
    functionName: 'get-preferences',
    auth: 'lookup',
    summary: "An account's preferences",
    request: { path: ForgetPathSchema },
    response: { status: 200, schema: PreferencesSchema },
  },
  {
    method: 'DELETE',
    path: '/v1/accounts/{network}/{id}',
    functionName: 'forget-account',
    auth: 'admin',
    summary: 'Opt-out: the account answers 410 at once, and within one recompute every trace of it is gone',
    request: { path: ForgetPathSchema },
    response: { status: 202, schema: ForgetResultSchema },
  },
  {
    method: 'PUT',
    path: '/v1/profiles/{profileId}',
    functionName: 'put-profile',
    auth: 'admin',
    summary: "Create or replace a profile: one person's accounts on several networks",
    request: { path: ProfilePathSchema, body: ProfileRequestSchema },
    response: { status: 200, schema: ProfileSchema },
  },
  {
    method: 'GET',
    path: '/v1/profiles/{profileId}',
    functionName: 'get-profile',
    auth: 'lookup',
    summary: "A profile's accounts with their scores, and its combined score (the best of them, overall and per topic)",
    request: { path: ProfilePathSchema },
    response: { status: 200, schema: ProfileSchema },
    cacheable: true,
  },
  {
    method: 'POST',
    path: '/v1/admin/recompute',
    functionName: 'start-recompute',
    auth: 'admin',
    summary: 'Start a recompute now',
    response: { status: 202, schema: StartedRunSchema },
  },
  {
    method: 'GET',
    path: '/v1/admin/runs/{runId}',
    functionName: 'get-run',
    auth: 'admin',
    summary: 'The state of a recompute run',
    request: { path: RunPathSchema },
    response: { status: 200, schema: RunSchema },
  },
  {
    method: 'POST',
    path: '/v1/admin/redrive',
    functionName: 'redrive-dead-letters',
    auth: 'admin',
    summary: 'Put dead letters back on their queue (every queue, or the one named), once the cause of their failure is fixed',
    request: { body: RedriveRequestSchema },
    response: { status: 202, schema: RedriveResultSchema },
  },
  {
    method: 'GET',
    path: '/v1/admin/stats',
    functionName: 'get-stats',
    auth: 'admin',
    summary: 'Counts of interactions, queued work, dead letters, accounts and topics',
    response: { status: 200, schema: StatsSchema },
  },
  {
    method: 'GET',
    path: '/healthz',
    functionName: 'healthz',
    auth: 'public',
    summary: 'Healthy when the service can reach its table',
    response: { status: 200, schema: HealthSchema },
  },
  {
    method: 'GET',
    path: '/openapi.json',
    functionName: 'openapi',
    auth: 'public',
    summary: 'This OpenAPI 3.1 document',
    response: { status: 200, contentType: 'application/json' },
    cacheable: true,
  },
] as const satisfies readonly RouteDefinition[];

export type Route = (typeof routes)[number];

/** API Gateway's route key for a route, e.g. `GET /v1/topics/{topic}/leaderboard`. */
export const routeKey = (route: Pick<RouteDefinition, 'method' | 'path'>): string => `${route.method} ${route.path}`;

/** The distinct Lambda functions that serve HTTP routes. */
export const httpFunctionNames = (): string[] => [...new Set(routes.map((route) => route.functionName))];

/**
 * The paths that belong to the HTTP API, as CloudFront path patterns (the rest is the web site's):
 * `/v1/*` for the versioned routes, and each route outside a prefix (`/healthz`, `/openapi.json`)
 * by its own path.
 */
export const apiPathPatterns = (apiRoutes: readonly Pick<RouteDefinition, 'path'>[]): string[] => [
  ...new Set(
    apiRoutes.map(({ path: routePath }) => {
      const [, firstSegment, ...furtherSegments] = routePath.split('/');
      return furtherSegments.length > 0 ? `/${firstSegment}/*` : routePath;
    }),
  ),
];

const apiPaths = apiPathPatterns(routes);

/** Whether a path is the API's (see `apiPathPatterns`): one no route matches is then the API's 404, not a web page. */
export const isApiPath = (path: string): boolean =>
  apiPaths.some((pattern) => (pattern.endsWith('/*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern));
