import { httpHandler } from '../lib/http/handler';
import { problems } from '../lib/http/problem';
import { json } from '../lib/http/request';
import { logger } from '../lib/observability';
import { stores } from '../lib/runtime/dependencies';

export const handler = httpHandler(async () => {
  try {
    await stores().ingest.ping();
  } catch (error) {
    logger.warn('health check cannot reach the table', error as Error);
    throw problems.unavailable('The service cannot reach its table.');
  }
  return json(200, { status: 'ok' }, { 'cache-control': 'no-store' });
});
