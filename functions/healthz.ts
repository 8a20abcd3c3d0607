import { httpHandler } from '../lib/http/handler';
import { problems } from '../lib/http/problem';
import { json } from '../lib/http/request';
import { logger } from '../lib/observability';
import { swayStore } from '../lib/runtime/dependencies';

export const handler = httpHandler(async () => {
  try {
    await swayStore().ping();
  } catch (error) {
    logger.warn('health check cannot reach the table', error as Error);
    throw problems.unavailable('The service cannot reach its table.');
  }
  return json(200, { status: 'ok' }, { 'cache-control': 'no-store' });
});
