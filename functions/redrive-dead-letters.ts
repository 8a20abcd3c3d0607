import { RedriveRequestSchema, type RedriveResult } from '../lib/app/api/schemas';
import { httpHandler } from '../lib/adapters/http/handler';
import { problems } from '../lib/adapters/http/problem';
import { json, optionalJsonBody } from '../lib/adapters/http/request';
import { messageQueue, type Dependencies } from '../lib/wiring/dependencies';

/** Puts the dead letters of one queue, or of every queue, back on it: `sway redrive`. */
export const createHandler = ({ messageQueue }: Pick<Dependencies, 'messageQueue'>) =>
  httpHandler(async (event) => {
    const request = optionalJsonBody(event, RedriveRequestSchema);
    const queue = messageQueue();
    const result: RedriveResult = { queues: [] };
    const names = queue.queueNames();
    if (request?.queue && !names.includes(request.queue)) throw problems.badRequest(`There is no queue ${request.queue} here.`);
    for (const name of request?.queue ? [request.queue] : names) result.queues.push(await queue.redrive(name));
    return json(202, result);
  });

export const handler = createHandler({ messageQueue });
