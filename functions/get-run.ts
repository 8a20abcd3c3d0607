import { RunPathSchema } from '../lib/api/schemas';
import { httpHandler } from '../lib/http/handler';
import { problems } from '../lib/http/problem';
import { json, pathParameters } from '../lib/http/request';
import { swayStore } from '../lib/runtime/dependencies';

export const handler = httpHandler(async (event) => {
  const { runId } = pathParameters(event, RunPathSchema);
  const run = await swayStore().run(runId);
  if (!run) throw problems.notFound(`There is no run ${runId}.`);
  return json(200, run);
});
