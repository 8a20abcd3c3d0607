import type { z } from 'zod';
import { ProblemSchema } from '../lib/app/api/schemas';
import type { AdminAuthorizer } from './aws-signing';

/** A non-2xx answer, read from its problem+json body (RFC 9457) or made up from the status when it has none. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly problemType: string | undefined,
    readonly errors: Record<string, unknown>[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(`${status} ${title}: ${detail}`);
    this.name = 'ProblemError';
  }
}

/** No answer at all: refused, reset, DNS failure, timeout. */
export class ConnectionError extends Error {
  constructor(
    readonly origin: string,
    readonly reason: string,
  ) {
    super(`could not reach ${origin}: ${reason}`);
    this.name = 'ConnectionError';
  }
}

/** A 2xx answer that is not what the contract says it is. */
export class UnexpectedResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnexpectedResponseError';
  }
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** An admin or DELETE route: authorized by the client's `authorizeAdmin` (a bearer token locally, SigV4 against AWS). */
  admin?: boolean;
}

export interface TextResponse {
  status: number;
  text: string;
}

export interface JsonResponse<T> {
  status: number;
  data: T;
  /** The body exactly as parsed, for `--json`. */
  raw: unknown;
}

export interface HttpClientOptions {
  baseUrl: string;
  fetch: typeof fetch;
  timeoutMs: number;
  authorizeAdmin: AdminAuthorizer;
}

export class SwayHttpClient {
  constructor(private readonly options: HttpClientOptions) {}

  /** `baseUrl` may carry a path (an API Gateway stage): routes are appended to it. */
  url(path: string, query: RequestOptions['query'] = {}): string {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, '') + path);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  /** Sends a request; resolves with the body of a 2xx answer, throws ProblemError or ConnectionError otherwise. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<TextResponse> {
    const url = this.url(path, options.query);
    const headers = { accept: 'application/json', ...options.headers };
    if (options.admin) Object.assign(headers, await this.options.authorizeAdmin({ method, url, headers, body: options.body }));
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(url, {
        method,
        headers,
        body: options.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new ConnectionError(new URL(url).origin, connectionFailureReason(error, this.options.timeoutMs));
    }
    if (!response.ok) {
      throw problemFromResponse(response.status, response.statusText, text, response.headers.get('retry-after'));
    }
    return { status: response.status, text };
  }

  /** Sends a request whose 2xx answer is JSON of `schema`. */
  async json<S extends z.ZodType>(method: string, path: string, schema: S, options: RequestOptions = {}): Promise<JsonResponse<z.infer<S>>> {
    const { status, text } = await this.send(method, path, options);
    const raw = parseJson(text);
    if (raw === undefined) throw new UnexpectedResponseError(`${method} ${path} answered ${status} without a JSON body`);
    const result = schema.safeParse(raw);
    if (!result.success) {
      const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
      throw new UnexpectedResponseError(`${method} ${path} answered ${status} with a body that does not match the contract: ${issues}`);
    }
    return { status, data: result.data, raw };
  }
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/**
 * The error of a non-2xx answer. Not every answer is a problem: API Gateway's own 404 is
 * `{"message": "Not Found"}`, a proxy's 502 is HTML.
 */
export const problemFromResponse = (status: number, statusText: string, body: string, retryAfter: string | null): ProblemError => {
  const json = parseJson(body);
  const retryAfterSeconds = parseRetryAfter(retryAfter);
  const problem = ProblemSchema.safeParse(json);
  if (problem.success) {
    const { title, detail, type, errors } = problem.data;
    return new ProblemError(status, title, detail, type, errors ?? [], retryAfterSeconds);
  }
  const fields: Record<string, unknown> = json !== null && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  const title = nonEmptyString(fields.title) ?? (statusText || `HTTP ${status}`);
  const detail =
    nonEmptyString(fields.detail) ?? nonEmptyString(fields.message) ?? (body.trim().split('\n')[0]?.slice(0, 200) || `The server answered ${status}.`);
  return new ProblemError(status, title, detail, nonEmptyString(fields.type), [], retryAfterSeconds);
};

const nonEmptyString = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/** `Retry-After` is either seconds or an HTTP date. */
export const parseRetryAfter = (value: string | null, now = Date.now()): number | undefined => {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
};

const connectionFailureReason = (error: unknown, timeoutMs: number): string => {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
};
