import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { problems } from './problem';

/** The exact bytes the client sent: signatures are computed over these. */
export const rawBody = (event: APIGatewayProxyEventV2): Buffer =>
  event.body === undefined ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');

export const header = (event: APIGatewayProxyEventV2, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
};

/** zod issues as problem `errors` entries: `{path, reason}`. */
export const issuesAsErrors = (issues: z.core.$ZodIssue[]): Record<string, unknown>[] =>
  issues.map((issue) => ({ path: issue.path.join('.'), reason: issue.message }));

const parseWith = <S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> => {
  const result = schema.safeParse(input);
  if (!result.success) throw problems.badRequest(`The ${what} is not valid.`, issuesAsErrors(result.error.issues));
  return result.data;
};

export const pathParameters = <S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.infer<S> =>
  parseWith(schema, event.pathParameters ?? {}, 'path');

export const queryParameters = <S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.infer<S> =>
  parseWith(schema, event.queryStringParameters ?? {}, 'query string');

/** An optional JSON body: none is `undefined`, which `schema` may accept; anything else must be JSON of `schema`. */
export const optionalJsonBody = <S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.infer<S> => {
  const body = rawBody(event);
  if (body.length === 0) return parseWith(schema, undefined, 'body');
  if (!/^application\/json\s*(;|$)/i.test(header(event, 'content-type') ?? '')) {
    throw problems.unsupportedMediaType('A body must be sent as application/json.');
  }
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw problems.badRequest('The body is not valid JSON.');
  }
  return parseWith(schema, value, 'body');
};

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}) => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
