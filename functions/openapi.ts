import { openApiDocument } from '../lib/app/api/openapi';
import { httpHandler } from '../lib/adapters/http/handler';

let document: string | undefined;

export const createHandler = () =>
  httpHandler(
    async () => {
      document ??= JSON.stringify(openApiDocument());
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: document };
    },
    { cacheable: true },
  );

export const handler = createHandler();
