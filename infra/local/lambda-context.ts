import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { Dependencies } from '../../lib/wiring/dependencies';
import { functionDefinition } from '../../lib/wiring/functions';
import { webhookNetworkOf } from '../../lib/domain/networks/webhook-networks';

/** The context Lambda would pass, for invoking a handler module in-process: the function's memory and time as the catalogue gives them in AWS. */
export const lambdaContext = (functionName: string): Context => {
  const { memoryMb, timeoutSeconds } = functionDefinition(functionName);
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

export type LambdaHandler<TEvent = unknown, TResult = unknown> = (event: TEvent, context: Context) => Promise<TResult>;

/**
 * Loads `functions/<name>.ts` and builds its handler from these dependencies (its
 * `createHandler`), where Lambda takes the `handler` the module builds from its environment; a
 * webhook network's function is built from its source in the registry.
 */
export const loadHandler = async <TEvent, TResult>(functionName: string, dependencies: Dependencies): Promise<LambdaHandler<TEvent, TResult>> => {
  const network = webhookNetworkOf(functionName);
  if (network) {
    const [{ webhookSourceOf }, { createWebhookHandler }] = await Promise.all([
      import('../../lib/domain/networks/webhook-sources'),
      import('../../lib/wiring/webhook-function'),
    ]);
    return createWebhookHandler(webhookSourceOf(network), dependencies) as unknown as LambdaHandler<TEvent, TResult>;
  }
  const module = (await import(`../../functions/${functionName}.ts`)) as { createHandler?: (dependencies: Dependencies) => LambdaHandler<TEvent, TResult> };
  if (typeof module.createHandler !== 'function') throw new Error(`functions/${functionName}.ts exports no createHandler`);
  return module.createHandler(dependencies);
};
