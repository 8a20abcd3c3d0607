import { openApiDocument } from '../lib/api/openapi';
import { httpHandler } from '../lib/http/handler';

let document: string | undefined;

export const handler = httpHandler(
  async () => {
    document ??= JSON.stringify(openApiDocument());
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: document };
  },
  { cacheable: true },
);
