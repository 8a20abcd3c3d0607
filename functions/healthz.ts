import { httpHandler } from '../lib/adapters/http/handler';
import { problems } from '../lib/adapters/http/problem';
import { json } from '../lib/adapters/http/request';
import { logger } from '../lib/adapters/observability';
import { stores, type Dependencies } from '../lib/wiring/dependencies';

export const createHandler = ({ stores }: Pick<Dependencies, 'stores'>) =>
  httpHandler(async () => {
    try {
      await stores().ingest.ping();
    } catch (error) {
      logger.warn('health check cannot reach the table', error as Error);
      throw problems.unavailable('The service cannot reach its table.');
    }
    return json(200, { status: 'ok' }, { 'cache-control': 'no-store' });
  });

export const handler = createHandler({ stores });
