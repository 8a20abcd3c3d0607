/**
 * Fault injection for DynamoDB, as an AWS SDK middleware: a seeded share of request attempts is
 * answered with a throttling error or an internal server error instead of reaching DynamoDB.
 *
 * The fault is a real HTTP error response handed to the SDK's own deserializer, below the retry
 * middleware: the SDK turns it into the same exception DynamoDB would cause and retries it as it
 * would in AWS. Calls chosen as persistent, and calls naming a poisoned key, fail on every attempt,
 * so some failures outlast the SDK's retries and reach the caller (and the queue's redelivery).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ObjectStore } from '../../lib/adapters/object-store/object-store';
import { seededRandom } from '../../lib/dev/evaluation/seeded-random';

export interface FaultPlan {
  seed: number;
  /** Share of request attempts that fail (0.1 = 10%). */
  rate: number;
  /** Share of the faulted calls that then fail on every retry, until the SDK gives up. */
  persistentShare?: number;
  /** Every attempt of a call whose request mentions one of these strings fails: items that always fail. */
  poisoned?: string[];
  /**
   * Calls that fail past the SDK's retries once each: the first call of a command whose name starts
   * with `command` and whose request mentions `text` fails on every attempt; later calls go through.
   */
  failOnce?: { command: string; text: string }[];
}

export interface FaultCounts {
  /** Request attempts that reached the middleware. */
  attempts: number;
  throttled: number;
  serverErrors: number;
  /** Calls that failed even after the SDK's retries: the caller saw the error. */
  callsFailed: number;
  /** Of those, the calls `failOnce` chose. */
  failedOnce: number;
}

export interface FaultInjector {
  readonly counts: FaultCounts;
  /** Changes what fails from now on: `null` turns faults off. */
  plan(plan: FaultPlan | null): void;
}

const FAULTS = {
  throttled: {
    status: 400,
    type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'Rate of requests exceeds the allowed throughput (injected).',
  },
  throttledOnDemand: {
    status: 400,
    type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
    message: 'Throughput exceeds the current capacity (injected).',
  },
  serverError: { status: 500, type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error (injected).' },
} as const;

type Fault = (typeof FAULTS)[keyof typeof FAULTS];

const errorResponse = (fault: Fault) => ({
  response: {
    statusCode: fault.status,
    reason: fault.status === 500 ? 'Internal Server Error' : 'Bad Request',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'injected-fault' },
    body: new TextEncoder().encode(JSON.stringify({ __type: fault.type, message: fault.message })),
  },
  output: {},
});

/** Installs the fault middleware on `client` (the document client the handlers share). Off until `plan` is given. */
export const injectFaults = (client: DynamoDBDocumentClient): FaultInjector => {
  const counts: FaultCounts = { attempts: 0, throttled: 0, serverErrors: 0, callsFailed: 0, failedOnce: 0 };
  let current: (FaultPlan & { random: () => number; pendingOnce: { command: string; text: string }[] }) | null = null;
  /** Per call (its context is shared by all its attempts): whether every attempt fails, and whether the last did. */
  const calls = new WeakMap<object, { persistent: boolean; lastFaulted: boolean; chosenOnce?: boolean }>();

  const faultFor = (plan: NonNullable<typeof current>, call: { persistent: boolean; chosenOnce?: boolean }, input: unknown, command: string): Fault | null => {
    if (call.persistent) return FAULTS.serverError;
    if (call.chosenOnce === undefined) {
      const request = plan.pendingOnce.length > 0 ? JSON.stringify(input) : '';
      const chosen = plan.pendingOnce.findIndex((target) => command.startsWith(target.command) && request.includes(target.text));
      call.chosenOnce = chosen >= 0;
      if (call.chosenOnce) plan.pendingOnce.splice(chosen, 1);
    }
    if (call.chosenOnce) return FAULTS.serverError;
    if (plan.poisoned?.length) {
      const request = JSON.stringify(input);
      if (plan.poisoned.some((text) => request.includes(text))) return FAULTS.serverError;
    }
    if (plan.random() >= plan.rate) return null;
    call.persistent = plan.random() < (plan.persistentShare ?? 0);
    if (call.persistent) return FAULTS.serverError;
    const pick = plan.random();
    return pick < 0.25 ? FAULTS.throttled : pick < 0.5 ? FAULTS.throttledOnDemand : FAULTS.serverError;
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!current) return next(args);
      const call = calls.get(context) ?? { persistent: false, lastFaulted: false };
      calls.set(context, call);
      counts.attempts++;
      const fault = faultFor(current, call, args.input, context.commandName ?? '');
      call.lastFaulted = fault !== null;
      if (!fault) return next(args);
      if (fault.status === 500) counts.serverErrors++;
      else counts.throttled++;
      return errorResponse(fault) as Awaited<ReturnType<typeof next>>;
    },
    // Below the deserializer (so it reads the fault as DynamoDB's answer) and so below the retry middleware.
    { step: 'deserialize', priority: 'low', name: 'injectedFaults' },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const call = calls.get(context);
        if (call?.lastFaulted) counts.callsFailed++;
        if (call?.lastFaulted && call.chosenOnce) counts.failedOnce++;
        throw error;
      }
    },
    { step: 'initialize', priority: 'high', name: 'injectedFaultsOutcome' },
  );

  return {
    counts,
    plan: (plan) => {
      current = plan && { ...plan, random: seededRandom(plan.seed), pendingOnce: [...(plan.failOnce ?? [])] };
    },
  };
};

export interface ObjectStoreFaults {
  /** The keys of the writes that failed, in order. */
  readonly failed: string[];
  /** Which writes fail from now on (`write` counts every put since the plan): `null` turns faults off. */
  plan(fails: ((key: string, write: number) => boolean) | null): void;
}

/**
 * Makes chosen writes of `objects` (the object store the handlers share) fail as S3 does when it
 * keeps failing past the SDK's retries: `put` and `putFile` throw a 500-shaped error and write nothing.
 */
export const injectObjectStoreFaults = (objects: ObjectStore): ObjectStoreFaults => {
  const failed: string[] = [];
  let fails: ((key: string, write: number) => boolean) | null = null;
  let writes = 0;
  const guarded =
    <A extends unknown[]>(write: (key: string, ...rest: A) => Promise<void>) =>
    async (key: string, ...rest: A): Promise<void> => {
      if (fails?.(key, ++writes)) {
        failed.push(key);
        throw Object.assign(new Error('We encountered an internal error. Please try again. (injected)'), {
          name: 'InternalError',
          $metadata: { httpStatusCode: 500 },
        });
      }
      return write(key, ...rest);
    };
  objects.put = guarded(objects.put.bind(objects));
  objects.putFile = guarded(objects.putFile.bind(objects));
  return {
    failed,
    plan: (rule) => {
      fails = rule;
      writes = 0;
    },
  };
};
