import type { Stats } from '../lib/api/schemas';
import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/request';
import { messageQueue, swayStore } from '../lib/runtime/dependencies';
import { queues } from '../lib/workers';

export const handler = httpHandler(async () => {
  const store = swayStore();
  const [interactions, depth, lastRun] = await Promise.all([
    store.interactionCount(),
    messageQueue().depth(queues.interactions.name),
    store.lastRun(),
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
