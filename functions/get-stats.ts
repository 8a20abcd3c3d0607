import type { Stats } from '../lib/app/api/schemas';
import { httpHandler } from '../lib/adapters/http/handler';
import { json } from '../lib/adapters/http/request';
import { interactionsNow } from '../lib/app/recompute/interactions-now';
import { queues } from '../lib/wiring/workers';
import { stores, messageQueue, objectStore, type Dependencies } from '../lib/wiring/dependencies';

export const createHandler = ({ stores, messageQueue, objectStore }: Pick<Dependencies, 'stores' | 'messageQueue' | 'objectStore'>) =>
  httpHandler(async () => {
    const [depth, lastRun, interactions] = await Promise.all([
      messageQueue().depth(queues.interactions.name),
      stores().runs.lastRun(),
      interactionsNow(objectStore(), new Date()),
    ]);
    const body: Stats = {
      interactions,
      pending: depth.pending,
      deadLetters: depth.deadLetters,
      accounts: lastRun?.accounts ?? 0,
      topics: lastRun?.topics ?? 0,
      lastRun,
    };
    return json(200, body);
  });

export const handler = createHandler({ stores, messageQueue, objectStore });
