import { z } from 'zod';
import { routes, type RouteDefinition } from '../../wiring/routes';
import { ProblemSchema } from './schemas';

type JsonSchema = Record<string, unknown>;

const ERROR_STATUSES: Record<number, string> = {
  400: 'Bad request',
  401: 'Missing or wrong credentials or signature',
  404: 'Not found',
  410: 'Opted out',
  413: 'Body over 1 MiB',
  415: 'Wrong content type',
  422: 'Invalid interactions (all-or-nothing)',
  429: 'Over the rate limit',
  503: 'Not configured or unavailable',
};

/**
 * OpenAPI 3.1 from the route table and the same zod schemas that validate requests. Schemas with a
 * registered id go to components and are referenced.
 */
export const openApiDocument = (): JsonSchema => {
  const components: Record<string, JsonSchema> = {};
  /** Schemas with an id (zod `.meta({id})`) land in components and are referenced from there. */
  const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const converted = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' });
    const withComponentRefs = JSON.parse(JSON.stringify(converted).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema & {
      $defs?: Record<string, JsonSchema>;
    };
    const { $defs, $schema: _dialect, ...root } = withComponentRefs;
    Object.assign(components, $defs);
    return root;
  };

  const parameters = (schema: z.ZodType | undefined, location: 'path' | 'query') => {
    if (!schema) return [];
    const objectSchema = toSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    return Object.entries(objectSchema.properties ?? {}).map(([name, property]) => ({
      name,
      in: location,
      required: location === 'path' || (objectSchema.required ?? []).includes(name),
      schema: property,
    }));
  };

  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes as readonly RouteDefinition[]) {
    const operation: JsonSchema = {
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[{}]/g, '').replace(/(^|[/._-])(\w)/g, (_, __, c: string) => c.toUpperCase())}`,
      summary: route.summary,
      parameters: [...parameters(route.request?.path, 'path'), ...parameters(route.request?.query, 'query')],
      responses: {
        [route.response.status]: {
          description: route.summary,
          content: { [route.response.contentType ?? 'application/json']: { schema: route.response.schema ? toSchema(route.response.schema, 'output') : {} } },
        },
        ...Object.fromEntries(
          Object.entries(ERROR_STATUSES).map(([status, description]) => [
            status,
            { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
          ]),
        ),
      },
    };
    if (route.request?.body) {
      const required = !route.request.body.safeParse(undefined).success;
      operation.requestBody = { required, content: { 'application/json': { schema: toSchema(route.request.body, 'input') } } };
    }
    if (route.auth === 'admin') operation.security = [{ adminToken: [] }];
    if (route.auth === 'lookup') operation.security = [{}, { apiKey: [] }];
    if (route.auth === 'signed') operation.security = [{ signature: [] }];
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation;
  }
  toSchema(ProblemSchema, 'output');

  return {
    openapi: '3.1.0',
    info: { title: 'Sway', version: '1.0.0', description: 'Social-influence scores, explanations and topic leaderboards.' },
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer', description: 'SWAY_ADMIN_TOKEN locally; IAM (SigV4) in AWS' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        signature: {
          type: 'apiKey',
          in: 'header',
          name: 'x-sway-signature',
          description: 'sha256=<hex HMAC-SHA256(SWAY_SECRET_GENERIC, raw body)>',
        },
      },
    },
  };
};
