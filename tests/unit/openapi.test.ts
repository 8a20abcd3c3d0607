import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../lib/app/api/openapi';
import { routes } from '../../lib/wiring/routes';

describe('the OpenAPI document', () => {
  const document = openApiDocument() as {
    openapi: string;
    paths: Record<string, Record<string, { requestBody?: unknown; parameters: { name: string; in: string }[] }>>;
    components: { schemas: Record<string, unknown> };
  };

  it('is OpenAPI 3.1 and describes exactly the routes of the route table', () => {
    expect(document.openapi).toBe('3.1.0');
    const described = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(described.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('takes request and response shapes from the zod schemas', () => {
    const ingest = document.paths['/v1/interactions']?.post;
    expect(JSON.stringify(ingest?.requestBody)).toContain('#/components/schemas/IngestRequest');
    expect(document.components.schemas).toHaveProperty('Interaction');
    expect(document.components.schemas).toHaveProperty('Problem');
    expect(JSON.stringify(document.components.schemas.Interaction)).toContain('occurredAt');
    const topicBoard = document.paths['/v1/topics/{topic}/leaderboard']?.get;
    expect(topicBoard?.parameters.map((parameter) => `${parameter.in}:${parameter.name}`)).toEqual([
      'path:topic',
      'query:limit',
      'query:cursor',
      'query:network',
    ]);
  });

  it('answers an ingestion with the IngestResult counts', () => {
    const accepted = (document.paths['/v1/interactions']?.post as { responses?: Record<string, unknown> } | undefined)?.responses?.['202'];
    expect(JSON.stringify(accepted)).toContain('#/components/schemas/IngestResult');
    expect(document.components.schemas.IngestResult).toMatchObject({
      type: 'object',
      properties: { accepted: { type: 'integer' }, duplicates: { type: 'integer' }, ignored: { type: 'integer' } },
      required: ['accepted', 'duplicates', 'ignored'],
    });
  });

  it('documents the canonical interaction and its fields as CONTRACT §2 does', () => {
    type Described = { description?: string; properties?: Record<string, Described>; items?: Described };
    const schema = document.components.schemas.Interaction as Described;
    const fields = schema.properties ?? {};
    expect(schema.description).toMatch(/canonical interaction.*CONTRACT §2/);
    expect(fields.id?.description).toMatch(/idempotency key/);
    expect(fields.network?.description).toBe('x | facebook | instagram | slack | mastodon | github | discourse | bluesky | any [a-z0-9-]{1,32}');
    for (const account of [fields.actor, fields.target]) {
      expect(account?.properties?.id?.description).toMatch(/id/i);
      expect(account?.properties?.handle?.description).toMatch(/handle/i);
    }
    expect(fields.topics?.items?.description).toMatch(/topic slug/i);
  });

  it('leaves no reference dangling', () => {
    const references = [...JSON.stringify(document).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]);
    for (const reference of references) expect(document.components.schemas).toHaveProperty(reference!);
  });
});
