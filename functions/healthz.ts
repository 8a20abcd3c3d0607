import { httpHandler } from '../lib/adapters/http/handler';
import { problems } from '../lib/adapters/http/problem';
import { json } from '../lib/adapters/http/request';
import { logger } from '../lib/adapters/observability';
import { stores } from '../lib/wiring/dependencies';

export const handler = httpHandler(async () => {
  try {
    await stores().ingest.ping();
  } catch (error) {
    logger.warn('health check cannot reach the table', error as Error);
    throw problems.unavailable('The service cannot reach its table.');
  }
  return json(200, { status: 'ok' }, { 'cache-control': 'no-store' });
});
