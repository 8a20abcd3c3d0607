import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An RFC 9457 problem: thrown anywhere below a handler, answered by the problem middleware. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors?: Record<string, unknown>[],
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${title}: ${detail}`);
    this.name = 'HttpProblem';
  }

  /** A stable, readable problem type: `/problems/not-found`, … */
  get type(): string {
    return `/problems/${this.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')}`;
  }

  toResponse(): APIGatewayProxyStructuredResultV2 {
    return {
      statusCode: this.status,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...this.headers },
      body: JSON.stringify({
        type: this.type,
        title: this.title,
        status: this.status,
        detail: this.detail,
        ...(this.errors ? { errors: this.errors } : {}),
      }),
    };
  }
}

export const problems = {
  badRequest: (detail: string, errors?: Record<string, unknown>[]) => new HttpProblem(400, 'Bad Request', detail, errors),
  unauthorized: (detail: string) => new HttpProblem(401, 'Unauthorized', detail),
  forbidden: (detail: string) => new HttpProblem(403, 'Forbidden', detail),
  notFound: (detail: string) => new HttpProblem(404, 'Not Found', detail),
  methodNotAllowed: (detail: string, allow: string[]) => new HttpProblem(405, 'Method Not Allowed', detail, undefined, { allow: allow.join(', ') }),
  gone: (detail: string) => new HttpProblem(410, 'Gone', detail),
  payloadTooLarge: (detail: string) => new HttpProblem(413, 'Payload Too Large', detail),
  unsupportedMediaType: (detail: string) => new HttpProblem(415, 'Unsupported Media Type', detail),
  unprocessable: (detail: string, errors: Record<string, unknown>[]) => new HttpProblem(422, 'Unprocessable Content', detail, errors),
  tooManyRequests: (detail: string, retryAfterSeconds: number) =>
    new HttpProblem(429, 'Too Many Requests', detail, undefined, { 'retry-after': String(retryAfterSeconds) }),
  notConfigured: (detail: string) => new HttpProblem(503, 'Not Configured', detail),
  unavailable: (detail: string) => new HttpProblem(503, 'Service Unavailable', detail),
  internal: () => new HttpProblem(500, 'Internal Server Error', 'The request could not be completed; it has been logged.'),
};
