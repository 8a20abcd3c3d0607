import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliveryRememberingFunctions, secretsOfSignedFunctions } from '../../lib/domain/networks/webhook-sources';
import { env, queueUrlEnvVar, secretArnEnvVar, type SecretName } from '../../lib/wiring/config';
import { secretEnvVars } from '../../lib/wiring/secret-variables';
import { objectStoreEnv, objectStoreLayout } from '../../lib/app/log/layout';
import { recomputeUnits } from '../../lib/app/recompute/units';
import { httpFunctionNames, routeKey, routes, type RouteDefinition } from '../../lib/wiring/routes';
import {
  awsQueues,
  jetstreamSchedule,
  localOnlyFunctions,
  queues,
  recomputeSchedule,
  visibilityTimeoutPerConsumerTimeout,
  type AwsQueueName,
  type QueueName,
} from '../../lib/wiring/workers';
import { installedDuckdbBinding } from '../../infra/constructs/duckdb-binding';
import { operatorTrustContextKey } from '../../infra/constructs/operator-access';
import { powertoolsEnvironment, repositoryRoot } from '../../infra/constructs/sway-function';
import type { DeployedQueue } from '../../infra/stateful-stack';
import { buildSwayStacks } from '../../infra/sway-app';
import { apiThrottle, jetstreamUrlContextKey, jetstreamWantedDidsContextKey, routeThrottles } from '../../infra/stateless-stack';
import { functionCatalogue, statePrefix } from '../../lib/wiring/functions';
import { webhookNetworkOf } from '../../lib/domain/networks/webhook-networks';
import {
  logicalIdOf,
  newTestApp,
  resourceById,
  resourcesOfType,
  statementsOfRole,
  synthesisTimeoutMs,
  synthesizeSway,
  type SwayFixture,
  type TemplateResource,
} from './sway-app-fixture';

/** What the catalogue (lib/wiring/functions.ts) says of the deployed functions: which load DuckDB, and what each may do in the object store. */
const deployed = [...functionCatalogue().values()].filter((definition) => definition.deployed);
const duckdbFunctionNames = deployed.filter((definition) => definition.duckdb).map((definition) => definition.name);
const objectStoreAccess = Object.fromEntries(deployed.flatMap((definition) => (definition.objectStore ? [[definition.name, definition.objectStore]] : [])));

const routeTable = routes as readonly RouteDefinition[];
/** The queues AWS has: the interactions queue (recompute-requests is local-only). */
const queueDefinitions = awsQueues();
const expectedFunctionNames = new Set(
  [...httpFunctionNames(), ...queueDefinitions.map((queue) => queue.consumer), jetstreamSchedule.target, ...Object.values(recomputeUnits)].filter(
    (name) => !localOnlyFunctions.has(name),
  ),
);
const deployedQueues = (): DeployedQueue[] => Object.values<DeployedQueue>(sway.stateful.queues);

let sway: SwayFixture;
beforeAll(() => {
  sway = synthesizeSway();
}, synthesisTimeoutMs);

/** The stateless stack's import of the stateful stack's queue of failed invocations. */
const failedInvocationsImport = () => {
  const name = /"(SwayStateful:ExportsOutputFnGetAttFailedInvocationsQueue[0-9A-F]{8}Arn[0-9A-F]{8})"/.exec(
    JSON.stringify(sway.statelessTemplate.toJSON()),
  )?.[1];
  expect(name).toBeDefined();
  return { 'Fn::ImportValue': name };
};

const functionResource = (name: string): TemplateResource => resourceById(sway.statelessTemplate, logicalIdOf(sway.stateless.functionNamed(name).function));
const functionLogicalId = (name: string): string => logicalIdOf(sway.stateless.functionNamed(name).function);
const roleStatements = (name: string) => statementsOfRole(sway.statelessTemplate, logicalIdOf(sway.stateless.functionNamed(name).role));
const allowedActions = (name: string): string[] => roleStatements(name).flatMap((statement) => statement.Action);
/** Whether some statement of the function's role allows `action` on a resource whose JSON mentions `resourceLogicalId`. */
const allows = (name: string, action: string, resourceLogicalId: string): boolean =>
  roleStatements(name).some(
    (statement) => statement.Action.includes(action) && statement.Resource.some((resource) => JSON.stringify(resource).includes(resourceLogicalId)),
  );

describe('stateless stack: functions', () => {
  it('deploys no local-only function: the local recompute, which the state machine replaces in AWS', () => {
    expect([...localOnlyFunctions]).toEqual(['recompute']);
    expect(localOnlyFunctions.has(queues.recomputeRequests.consumer)).toBe(true);
    expect(localOnlyFunctions.has(recomputeSchedule.target)).toBe(true);
    for (const name of localOnlyFunctions) {
      expect(sway.stateless.functions.has(name), name).toBe(false);
      expect(() => sway.stateless.functionNamed(name)).toThrow(/no Sway function/);
    }
    for (const fn of Object.values(resourcesOfType(sway.statelessTemplate, 'AWS::Lambda::Function'))) {
      expect(fn.Properties!.Description).not.toContain('functions/recompute.ts');
    }
  });

  it('creates one function per distinct HTTP function name plus the queue consumer, the Bluesky consumer and the four recompute units', () => {
    for (const unit of Object.values(recomputeUnits)) expect(expectedFunctionNames.has(unit), unit).toBe(true);
    sway.statelessTemplate.resourceCountIs('AWS::Lambda::Function', expectedFunctionNames.size);
    expect(new Set(sway.stateless.functions.keys())).toEqual(expectedFunctionNames);
    for (const name of expectedFunctionNames) {
      const network = webhookNetworkOf(name);
      // A webhook network's function has no file of its own: its description names the network's source.
      expect(functionResource(name).Properties!.Description).toContain(network ? `lib/domain/networks/${network}/source.ts` : `functions/${name}.ts`);
    }
  });

  it('runs every function on Node.js 22 or later, with active tracing and its own log group', () => {
    const functions = Object.values(resourcesOfType(sway.statelessTemplate, 'AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      const runtime = fn.Properties!.Runtime as string;
      expect(runtime).toMatch(/^nodejs\d+\.x$/);
      expect(Number(/^nodejs(\d+)\.x$/.exec(runtime)![1])).toBeGreaterThanOrEqual(22);
      expect(fn.Properties!.Handler).toBe('index.handler');
      expect(fn.Properties!.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties!.LoggingConfig.LogGroup).toEqual({ Ref: expect.any(String) });
    }
    sway.statelessTemplate.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it("runs the DuckDB functions on the installed binding's architecture and every other function on arm64", () => {
    const binding = installedDuckdbBinding(path.join(repositoryRoot, 'node_modules'));
    // Writing the log (apply), every unit that reads it, and the stats that count it; recompute-failed only deletes objects.
    expect(duckdbFunctionNames.slice().sort()).toEqual(
      [queues.interactions.consumer, recomputeUnits.prepare, recomputeUnits.topic, recomputeUnits.finish, 'get-stats'].sort(),
    );
    for (const name of expectedFunctionNames) {
      const expected = duckdbFunctionNames.includes(name) ? binding.architecture.name : 'arm64';
      expect(functionResource(name).Properties!.Architectures, name).toEqual([expected]);
    }
    // This machine's npm installed the linux-x64 binding: those deploy on x86_64.
    if (binding.packageName === '@duckdb/node-bindings-linux-x64') expect(functionResource(recomputeUnits.topic).Properties!.Architectures).toEqual(['x86_64']);
    expect(functionResource('get-run').Properties!.Architectures).toEqual(['arm64']);
  });

  it('uses 1024 MB and 10 s unless a function needs more; the recompute units get what DuckDB needs', () => {
    const sized = new Set<string>([queues.interactions.consumer, jetstreamSchedule.target, 'get-stats', ...Object.values(recomputeUnits)]);
    for (const name of [...expectedFunctionNames].filter((name) => !sized.has(name))) {
      expect(functionResource(name).Properties, name).toMatchObject({ MemorySize: 1024, Timeout: 10 });
      expect(functionResource(name).Properties!.EphemeralStorage, name).toBeUndefined();
    }
    expect(functionResource(queues.interactions.consumer).Properties).toMatchObject({ Timeout: 30, MemorySize: 1024 });
    expect(functionResource(recomputeUnits.topic).Properties).toMatchObject({ MemorySize: 1769, EphemeralStorage: { Size: 10240 }, Timeout: 900 });
    for (const name of [recomputeUnits.prepare, recomputeUnits.finish]) {
      expect(functionResource(name).Properties, name).toMatchObject({ MemorySize: 3008, EphemeralStorage: { Size: 10240 }, Timeout: 900 });
    }
    expect(functionResource(recomputeUnits.failed).Properties).toMatchObject({ MemorySize: 1024, Timeout: 60 });
    // Inside API Gateway's 29 s.
    expect(functionResource('get-stats').Properties).toMatchObject({ MemorySize: 2048, EphemeralStorage: { Size: 10240 }, Timeout: 28 });
  });

  it('gives the units that score a larger young generation, keeping source maps, and no other function', () => {
    const nodeOptions = (name: string) => (functionResource(name).Properties!.Environment as { Variables: Record<string, string> }).Variables.NODE_OPTIONS;
    const scoring: string[] = [recomputeUnits.prepare, recomputeUnits.topic, recomputeUnits.finish];
    for (const name of scoring) {
      expect(nodeOptions(name), name).toBe('--enable-source-maps --max-semi-space-size=64');
    }
    for (const name of [...expectedFunctionNames].filter((name) => !scoring.includes(name))) {
      expect(nodeOptions(name), name).toBe('--enable-source-maps');
    }
  });

  it("gives every queue a visibility timeout of at least six times its consumer's timeout, as AWS advises for Lambda", () => {
    expect(visibilityTimeoutPerConsumerTimeout).toBeGreaterThanOrEqual(6);
    for (const definition of queueDefinitions) {
      const timeout = functionResource(definition.consumer).Properties!.Timeout as number;
      expect(timeout).toBe(definition.consumerTimeoutSeconds);
      const deployedQueue = resourceById(sway.statefulTemplate, logicalIdOf(sway.stateful.queues[definition.name as AwsQueueName].queue));
      expect(deployedQueue.Properties!.VisibilityTimeout, definition.name).toBeGreaterThanOrEqual(6 * timeout);
    }
  });

  it('reserves no concurrency: overlapping runs are executions that prepare skips or makes wait, not Lambda instances', () => {
    for (const name of expectedFunctionNames) expect(functionResource(name).Properties!.ReservedConcurrentExecutions, name).toBeUndefined();
    sway.statelessTemplate.resourcePropertiesCountIs('AWS::Lambda::EventInvokeConfig', { MaximumEventAgeInSeconds: Match.anyValue() }, 0);
  });

  it('sets the Powertools variables and the names of the table, queues, DLQs and secret in every function', () => {
    const expectedNames = [
      env.tableName,
      ...queueDefinitions.flatMap((queue) => [queueUrlEnvVar(queue.name as QueueName), queueUrlEnvVar(queue.name as QueueName, true)]),
    ];
    const localOnlyQueueVariables = [queueUrlEnvVar(queues.recomputeRequests.name), queueUrlEnvVar(queues.recomputeRequests.name, true)];
    for (const name of expectedFunctionNames) {
      const variables = functionResource(name).Properties!.Environment.Variables as Record<string, unknown>;
      // NODE_OPTIONS: the defaults' flags, and the scoring units' own after them (the test below).
      const { NODE_OPTIONS: defaultNodeOptions, ...powertools } = powertoolsEnvironment;
      expect(variables).toMatchObject(powertools);
      expect(String(variables.NODE_OPTIONS).startsWith(defaultNodeOptions), name).toBe(true);
      expect(variables.POWERTOOLS_TRACE_ENABLED).toBe('true');
      // Answers carry people's scores and handles: traces keep timings, never response bodies.
      expect(variables.POWERTOOLS_TRACER_CAPTURE_RESPONSE).toBe('false');
      for (const variable of expectedNames) expect(variables[variable], `${name}: ${variable}`).toBeDefined();
      for (const variable of localOnlyQueueVariables) expect(variables[variable], `${name}: ${variable}`).toBeUndefined();
      for (const { queue, deadLetterQueue, definition } of deployedQueues()) {
        expect(JSON.stringify(variables[queueUrlEnvVar(definition.name as QueueName)])).toContain(`Ref${logicalIdOf(queue)}`);
        expect(JSON.stringify(variables[queueUrlEnvVar(definition.name as QueueName, true)])).toContain(`Ref${logicalIdOf(deadLetterQueue)}`);
      }
      expect(JSON.stringify(variables[env.tableName])).toContain(`Ref${logicalIdOf(sway.stateful.tables[0]!.table)}`);
    }
  });

  it(`tells exactly the functions that use the object store its name (${objectStoreEnv.bucket})`, () => {
    const bucketId = logicalIdOf(sway.stateful.objectStore);
    const users = Object.keys(objectStoreAccess).sort();
    expect(users).toEqual([queues.interactions.consumer, 'get-stats', ...Object.values(recomputeUnits)].sort());
    for (const name of expectedFunctionNames) {
      const variables = functionResource(name).Properties!.Environment.Variables as Record<string, unknown>;
      if (users.includes(name)) expect(JSON.stringify(variables[objectStoreEnv.bucket]), name).toContain(`Ref${bucketId}`);
      else expect(variables[objectStoreEnv.bucket], name).toBeUndefined();
    }
  });

  it(`tells start-recompute and get-run the state machine's ARN (${env.stateMachineArn}), and no other function`, () => {
    const stateMachineId = logicalIdOf(sway.stateless.recompute.stateMachine);
    expect(env.stateMachineArn).toBe('SWAY_STATE_MACHINE_ARN');
    for (const name of expectedFunctionNames) {
      const variables = functionResource(name).Properties!.Environment.Variables as Record<string, unknown>;
      if (name === 'start-recompute' || name === 'get-run') expect(variables[env.stateMachineArn], name).toEqual({ Ref: stateMachineId });
      else expect(variables[env.stateMachineArn], name).toBeUndefined();
    }
  });
});

describe('stateless stack: least privilege', () => {
  const tableWriteActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
  const lookupFunctionNames = [...new Set(routeTable.filter((route) => route.auth === 'lookup' || route.auth === 'public').map((route) => route.functionName))];

  it('lets lookup and public functions only read the table, but for the counts of API keys', () => {
    expect(lookupFunctionNames.length).toBeGreaterThan(0);
    const tableId = logicalIdOf(sway.stateful.tables[0]!.table);
    for (const name of lookupFunctionNames) {
      expect(allows(name, 'dynamodb:GetItem', tableId), name).toBe(true);
      expect(allows(name, 'dynamodb:Query', tableId), name).toBe(true);
      const role = logicalIdOf(sway.stateless.functionNamed(name).role);
      const writes = Object.values(resourcesOfType(sway.statelessTemplate, 'AWS::IAM::Policy'))
        .filter((policy) => JSON.stringify(policy.Properties!.Roles).includes(role))
        .flatMap((policy) => policy.Properties!.PolicyDocument.Statement as { Action: string | string[]; Condition?: unknown }[])
        .filter((statement) => [statement.Action].flat().some((action) => tableWriteActions.includes(action)));
      const isLookup = routeTable.some((route) => route.functionName === name && route.auth === 'lookup');
      // A lookup behind API keys adds to its key's count (lib/adapters/dynamodb/lookup-rate-store.ts): UpdateItem, on those items only.
      expect(writes, name).toEqual(
        isLookup
          ? [
              {
                Action: 'dynamodb:UpdateItem',
                Effect: 'Allow',
                Resource: expect.anything(),
                Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } },
              },
            ]
          : [],
      );
    }
  });

  it('lets only the webhooks whose networks name their deliveries (GitHub, Discourse) write the table, to remember delivery ids', () => {
    const tableId = logicalIdOf(sway.stateful.tables[0]!.table);
    expect(deliveryRememberingFunctions().sort()).toEqual(['webhook-discourse', 'webhook-github']);
    for (const name of deliveryRememberingFunctions()) expect(allows(name, 'dynamodb:PutItem', tableId), name).toBe(true);
    for (const name of ['webhook-x', 'webhook-meta', 'webhook-slack', 'webhook-mastodon', 'ingest-interactions']) {
      for (const action of tableWriteActions) expect(allowedActions(name), name).not.toContain(action);
    }
  });

  it('lets the queue consumer, the recompute units and start-recompute write the table', () => {
    const tableId = logicalIdOf(sway.stateful.tables[0]!.table);
    for (const name of [...queueDefinitions.map((queue) => queue.consumer), ...Object.values(recomputeUnits), 'start-recompute']) {
      for (const action of tableWriteActions) expect(allows(name, action, tableId), `${name} ${action}`).toBe(true);
    }
  });

  it('lets only the producers of the interactions queue send to it, and the redrive move dead letters back', () => {
    const senders = (queueName: AwsQueueName) =>
      [...expectedFunctionNames].filter((name) => allows(name, 'sqs:SendMessage', logicalIdOf(sway.stateful.queues[queueName].queue)));
    // SQS's message move task sends to the source queue on behalf of the function that starts it.
    expect(senders('interactions').sort()).toEqual([...queues.interactions.producers, 'redrive-dead-letters'].sort());
    expect(senders('interactions')).toContain('consume-jetstream');
    // start-recompute starts executions instead: it sends to no queue.
    for (const name of ['start-recompute', ...Object.values(recomputeUnits)]) {
      expect(
        allowedActions(name).filter((action) => action === 'sqs:SendMessage'),
        name,
      ).toEqual([]);
    }
    for (const name of expectedFunctionNames) {
      for (const { deadLetterQueue } of deployedQueues()) {
        expect(allows(name, 'sqs:SendMessage', logicalIdOf(deadLetterQueue))).toBe(false);
      }
    }
  });

  it('lets get-stats read the attributes of every queue and DLQ', () => {
    for (const { queue, deadLetterQueue } of deployedQueues()) {
      expect(allows('get-stats', 'sqs:GetQueueAttributes', logicalIdOf(queue))).toBe(true);
      expect(allows('get-stats', 'sqs:GetQueueAttributes', logicalIdOf(deadLetterQueue))).toBe(true);
    }
  });

  it("lets each function behind a signed route read its own webhook secrets and no other's, and tells it where they are", () => {
    const signedRouteFunctions = [...new Set(routeTable.filter((route) => route.auth === 'signed').map((route) => route.functionName))];
    expect(Object.keys(secretsOfSignedFunctions()).sort()).toEqual(signedRouteFunctions.sort());
    for (const secretName of Object.keys(secretEnvVars) as SecretName[]) {
      const secretId = logicalIdOf(sway.stateful.webhookSecrets[secretName]!);
      const readers = [...expectedFunctionNames].filter((name) => allows(name, 'secretsmanager:GetSecretValue', secretId));
      const expected = Object.entries(secretsOfSignedFunctions())
        .filter(([, names]) => names.includes(secretName))
        .map(([name]) => name);
      expect(readers.sort(), secretName).toEqual(expected.sort());
      expect(readers.length, secretName).toBeGreaterThan(0);
      for (const name of expectedFunctionNames) {
        const variable = (functionResource(name).Properties!.Environment.Variables as Record<string, unknown>)[secretArnEnvVar(secretName)];
        if (expected.includes(name)) expect(JSON.stringify(variable), `${name} ${secretName}`).toContain(`Ref${secretId}`);
        else expect(variable, `${name} ${secretName}`).toBeUndefined();
      }
    }
    expect(secretsOfSignedFunctions()['webhook-meta']).toEqual(['meta', 'metaVerifyToken']);
    expect(secretsOfSignedFunctions()['ingest-interactions']).toEqual(['generic']);
  });

  it('lets only the functions behind lookup routes read the API keys, and tells them where they are', () => {
    const secretId = logicalIdOf(sway.stateful.apiKeys);
    const readers = [...expectedFunctionNames].filter((name) => allows(name, 'secretsmanager:GetSecretValue', secretId));
    const lookupRouteFunctions = [...new Set(routeTable.filter((route) => route.auth === 'lookup').map((route) => route.functionName))];
    expect(readers.sort()).toEqual(lookupRouteFunctions.sort());
    expect(readers).toEqual(expect.arrayContaining(['get-account', 'get-leaderboard']));
    for (const name of expectedFunctionNames) {
      const variables = functionResource(name).Properties!.Environment.Variables as Record<string, unknown>;
      if (lookupRouteFunctions.includes(name)) expect(JSON.stringify(variables[env.apiKeysSecretArn]), name).toContain(`Ref${secretId}`);
      else expect(variables[env.apiKeysSecretArn], name).toBeUndefined();
    }
  });

  it('lets only the functions behind lookup routes read the site key, and tells them where it is', () => {
    const secretId = logicalIdOf(sway.stateful.siteKey);
    const readers = [...expectedFunctionNames].filter((name) => allows(name, 'secretsmanager:GetSecretValue', secretId));
    const lookupRouteFunctions = [...new Set(routeTable.filter((route) => route.auth === 'lookup').map((route) => route.functionName))];
    expect(readers.sort()).toEqual(lookupRouteFunctions.sort());
    for (const name of expectedFunctionNames) {
      const variables = functionResource(name).Properties!.Environment.Variables as Record<string, unknown>;
      if (lookupRouteFunctions.includes(name)) expect(JSON.stringify(variables[env.siteKeySecretArn]), name).toContain(`Ref${secretId}`);
      else expect(variables[env.siteKeySecretArn], name).toBeUndefined();
    }
  });

  /** The S3 actions each function's role allows on the object store, as `action prefix` ('' for the bucket itself). */
  const objectStoreGrants = (name: string): string[] => {
    const bucketId = logicalIdOf(sway.stateful.objectStore);
    return roleStatements(name)
      .flatMap((statement) =>
        statement.Action.filter((action) => action.startsWith('s3:')).flatMap((action) =>
          statement.Resource.map((resource) => {
            const rendered = JSON.stringify(resource);
            expect(rendered, `${name} ${action}`).toContain(bucketId);
            const suffix = /"\/([^"]*)\*"\]\]\}$/.exec(rendered)?.[1];
            return `${action} ${suffix ?? ''}`;
          }),
        ),
      )
      .sort();
  };
  const grantsFor = (action: string, prefixes: readonly string[]): string[] => prefixes.map((prefix) => `${action} ${prefix}`);

  it('lets apply-interactions only put objects under log/', () => {
    expect(objectStoreGrants(queues.interactions.consumer)).toEqual([`s3:PutObject ${objectStoreLayout.log.prefix}`]);
  });

  it('lets recompute-topic read state/ and runs/, write state/topics/ and runs/, and list the bucket', () => {
    const { topics, runs } = objectStoreLayout;
    expect(statePrefix).toBe('state/');
    for (const area of [objectStoreLayout.index, objectStoreLayout.topics]) expect(area.prefix.startsWith(statePrefix)).toBe(true);
    expect(objectStoreGrants(recomputeUnits.topic)).toEqual(
      [...grantsFor('s3:GetObject', [statePrefix, runs.prefix]), ...grantsFor('s3:PutObject', [topics.prefix, runs.prefix]), 's3:ListBucket '].sort(),
    );
  });

  it('lets recompute-prepare and recompute-finish read, write, delete (opt-out purges rewrite the log) and list everywhere in the layout', () => {
    const areas = [objectStoreLayout.log.prefix, statePrefix, objectStoreLayout.runs.prefix];
    for (const name of [recomputeUnits.prepare, recomputeUnits.finish]) {
      expect(objectStoreGrants(name), name).toEqual(
        [...grantsFor('s3:GetObject', areas), ...grantsFor('s3:PutObject', areas), ...grantsFor('s3:DeleteObject', areas), 's3:ListBucket '].sort(),
      );
    }
  });

  it("lets recompute-failed read the failed run's plan under runs/ and delete the state it never committed, and list the bucket", () => {
    expect(objectStoreGrants(recomputeUnits.failed)).toEqual(
      [...grantsFor('s3:GetObject', [objectStoreLayout.runs.prefix]), ...grantsFor('s3:DeleteObject', [statePrefix]), 's3:ListBucket '].sort(),
    );
    expect(allowedActions(recomputeUnits.failed).filter((action) => !/^(dynamodb|logs|xray|s3):/.test(action))).toEqual([]);
  });

  it('lets get-stats read the log and the state, and list the bucket, to count what arrived since the last run', () => {
    expect(objectStoreGrants('get-stats')).toEqual([...grantsFor('s3:GetObject', [objectStoreLayout.log.prefix, statePrefix]), 's3:ListBucket '].sort());
  });

  it('gives no other function any S3 permission', () => {
    for (const name of [...expectedFunctionNames].filter((name) => !(name in objectStoreAccess))) {
      expect(
        allowedActions(name).filter((action) => action.startsWith('s3:')),
        name,
      ).toEqual([]);
    }
  });

  it('lets start-recompute start executions of the state machine, and get-run describe its executions, and no function more', () => {
    const stateMachineId = logicalIdOf(sway.stateless.recompute.stateMachine);
    const statesStatements = (name: string) =>
      roleStatements(name)
        .filter((statement) => statement.Action.some((action) => action.startsWith('states:')))
        .map((statement) => ({ actions: statement.Action, resources: statement.Resource }));
    expect(statesStatements('start-recompute')).toEqual([{ actions: ['states:StartExecution'], resources: [{ Ref: stateMachineId }] }]);
    const [describe] = statesStatements('get-run');
    expect(statesStatements('get-run')).toHaveLength(1);
    expect(describe!.actions).toEqual(['states:DescribeExecution']);
    // arn:…:execution:<the state machine's name>:*
    const rendered = JSON.stringify(describe!.resources);
    expect(rendered).toContain(':execution:');
    expect(rendered).toContain(`{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${stateMachineId}"}]}]},":*"`);
    for (const name of [...expectedFunctionNames].filter((name) => name !== 'start-recompute' && name !== 'get-run')) {
      expect(statesStatements(name), name).toEqual([]);
    }
  });

  it('attaches no AWS managed policy to any function role', () => {
    for (const name of expectedFunctionNames) {
      const role = resourceById(sway.statelessTemplate, logicalIdOf(sway.stateless.functionNamed(name).role));
      expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('stateless stack: queue consumers', () => {
  it.each(queueDefinitions)('$consumer consumes $name with partial batch failures', (definition) => {
    const mappings = Object.values(resourcesOfType(sway.statelessTemplate, 'AWS::Lambda::EventSourceMapping')).filter(
      (mapping) => JSON.stringify(mapping.Properties!.FunctionName) === JSON.stringify({ Ref: functionLogicalId(definition.consumer) }),
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]!.Properties).toMatchObject({
      BatchSize: definition.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: Math.max(2, definition.maxConcurrency) },
    });
    expect(JSON.stringify(mappings[0]!.Properties!.EventSourceArn)).toContain(
      `GetAtt${logicalIdOf(sway.stateful.queues[definition.name as AwsQueueName].queue)}Arn`,
    );
  });

  it('has no other event source mappings', () => {
    sway.statelessTemplate.resourceCountIs('AWS::Lambda::EventSourceMapping', queueDefinitions.length);
    expect(queueDefinitions).toHaveLength(1);
  });
});

describe('stateless stack: recompute schedule', () => {
  it('starts an execution of the recompute state machine at the defined rate with the defined input', () => {
    const stateMachineId = logicalIdOf(sway.stateless.recompute.stateMachine);
    sway.statelessTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: `rate(${recomputeSchedule.rateMinutes} minutes)`,
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { Ref: stateMachineId },
        Input: JSON.stringify({ trigger: 'schedule' }),
        // A trigger older than one period has been superseded by the next one.
        RetryPolicy: Match.objectLike({ MaximumEventAgeInSeconds: recomputeSchedule.rateMinutes * 60 }),
      }),
    });
    expect(recomputeSchedule.input).toEqual({ trigger: 'schedule' });
  });

  it("lets the schedule's role start executions of the state machine and nothing else", () => {
    const schedule = Object.values(resourcesOfType(sway.statelessTemplate, 'AWS::Scheduler::Schedule')).find(
      (resource) => JSON.stringify(resource.Properties!.Target.Arn) === JSON.stringify({ Ref: logicalIdOf(sway.stateless.recompute.stateMachine) }),
    )!;
    const roleId = (schedule.Properties!.Target.RoleArn['Fn::GetAtt'] as string[])[0]!;
    expect(statementsOfRole(sway.statelessTemplate, roleId)).toEqual([
      { Action: ['states:StartExecution'], Resource: [{ Ref: logicalIdOf(sway.stateless.recompute.stateMachine) }] },
      // its dead-letter queue: a trigger it could not deliver is kept, never dropped
      { Action: ['sqs:SendMessage'], Resource: [failedInvocationsImport()] },
    ]);
    expect(schedule.Properties!.Target.DeadLetterConfig).toEqual({ Arn: failedInvocationsImport() });
  });
});

describe('stateless stack: Bluesky consumer', () => {
  const westUrl = 'wss://jetstream1.us-west.bsky.network/subscribe';
  const followed = ['did:plc:ewvi7nxzyoun6zhxrhs64oiz', 'did:web:example.com'];
  const configured = (context: Record<string, unknown>) => {
    const app = newTestApp();
    for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
    const { stateless } = buildSwayStacks(app);
    const template = Template.fromStack(stateless);
    const variables = resourceById(template, logicalIdOf(stateless.functionNamed(jetstreamSchedule.target).function)).Properties!.Environment
      .Variables as Record<string, string>;
    return { stateless, template, variables };
  };
  let on: ReturnType<typeof configured>;
  beforeAll(() => {
    on = configured({ [jetstreamUrlContextKey]: westUrl, [jetstreamWantedDidsContextKey]: followed.join(',') });
  }, synthesisTimeoutMs);

  it(
    'is off unless the operator names a Jetstream instance: no schedule, and consume-jetstream has no URL to read',
    () => {
      sway.statelessTemplate.resourceCountIs('AWS::Scheduler::Schedule', 1);
      expect(sway.stateless.jetstreamSchedule).toBeUndefined();
      const variables = functionResource(jetstreamSchedule.target).Properties!.Environment.Variables as Record<string, unknown>;
      expect(variables).not.toHaveProperty(env.jetstreamUrl);
      expect(variables).not.toHaveProperty(env.jetstreamWantedDids);
      const off = configured({ [jetstreamUrlContextKey]: '', [jetstreamWantedDidsContextKey]: followed.join(',') });
      off.template.resourceCountIs('AWS::Scheduler::Schedule', 1);
      expect(off.variables).not.toHaveProperty(env.jetstreamUrl);
    },
    synthesisTimeoutMs,
  );

  it(`reads the instance of ${jetstreamUrlContextKey}, following the accounts of ${jetstreamWantedDidsContextKey}, every minute`, () => {
    on.template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    on.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: Match.stringLikeRegexp(`^rate\\(${jetstreamSchedule.rateMinutes} minutes?\\)$`),
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [logicalIdOf(on.stateless.functionNamed(jetstreamSchedule.target).function), 'Arn'] },
        Input: JSON.stringify(jetstreamSchedule.input),
        RetryPolicy: Match.objectLike({ MaximumEventAgeInSeconds: 60 }),
      }),
    });
    expect(on.variables[env.jetstreamUrl]).toBe(westUrl);
    expect(on.variables[env.jetstreamWantedDids]).toBe(followed.join(','));
    for (const name of expectedFunctionNames) {
      if (name === jetstreamSchedule.target) continue;
      const variables = resourceById(on.template, logicalIdOf(on.stateless.functionNamed(name).function)).Properties!.Environment.Variables as Record<
        string,
        unknown
      >;
      expect(variables, name).not.toHaveProperty(env.jetstreamUrl);
      expect(variables, name).not.toHaveProperty(env.jetstreamWantedDids);
    }
  });

  it(
    'takes the accounts as a list in cdk.json too, and reads every account when none is given',
    () => {
      expect(configured({ [jetstreamUrlContextKey]: westUrl, [jetstreamWantedDidsContextKey]: followed }).variables[env.jetstreamWantedDids]).toBe(
        followed.join(','),
      );
      const everyone = configured({ [jetstreamUrlContextKey]: westUrl });
      expect(everyone.variables[env.jetstreamUrl]).toBe(westUrl);
      expect(everyone.variables).not.toHaveProperty(env.jetstreamWantedDids);
    },
    synthesisTimeoutMs,
  );

  it(
    'refuses to synthesize with a URL that is not a WebSocket URL, something that is not a DID, or more DIDs than a Lambda environment holds',
    () => {
      expect(() => configured({ [jetstreamUrlContextKey]: 'https://jetstream2.us-east.bsky.network/subscribe' })).toThrow(/must be a Jetstream WebSocket URL/);
      expect(() => configured({ [jetstreamUrlContextKey]: westUrl, [jetstreamWantedDidsContextKey]: 'did:plc:abc,@alice.bsky.social' })).toThrow(
        /not DIDs: @alice\.bsky\.social/,
      );
      const tooMany = Array.from({ length: 100 }, (_, i) => `did:plc:${String(i).padStart(24, 'a')}`).join(',');
      expect(() => configured({ [jetstreamUrlContextKey]: westUrl, [jetstreamWantedDidsContextKey]: tooMany })).toThrow(
        /more than the \d+ a Lambda environment leaves them/,
      );
    },
    synthesisTimeoutMs,
  );

  it('gives consume-jetstream a timeout beyond its read time, and no retry of a failed run', () => {
    const properties = resourceById(on.template, logicalIdOf(on.stateless.functionNamed(jetstreamSchedule.target).function)).Properties!;
    expect(properties.Timeout).toBe(jetstreamSchedule.timeoutSeconds);
    expect(jetstreamSchedule.timeoutSeconds).toBeGreaterThan(jetstreamSchedule.readSeconds);
    on.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalIdOf(on.stateless.functionNamed(jetstreamSchedule.target).function) },
      MaximumRetryAttempts: 0,
      // A failed run is kept for the operator, not only logged.
      DestinationConfig: { OnFailure: { Destination: Match.objectLike({ 'Fn::ImportValue': Match.stringLikeRegexp('FailedInvocationsQueue') }) } },
    });
    on.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [logicalIdOf(on.stateless.functionNamed(jetstreamSchedule.target).function), 'Arn'] },
        DeadLetterConfig: { Arn: Match.objectLike({ 'Fn::ImportValue': Match.stringLikeRegexp('FailedInvocationsQueue') }) },
      }),
    });
  });

  it('lets consume-jetstream read and write the table (its cursor, the applied interactions) and read no secret', () => {
    const tableId = logicalIdOf(sway.stateful.tables[0]!.table);
    for (const action of ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem']) {
      expect(allows(jetstreamSchedule.target, action, tableId), action).toBe(true);
    }
    for (const secret of Object.values(sway.stateful.webhookSecrets))
      expect(allows(jetstreamSchedule.target, 'secretsmanager:GetSecretValue', logicalIdOf(secret))).toBe(false);
  });
});

describe('stateless stack: HTTP API', () => {
  const routeResources = () => Object.values(resourcesOfType(sway.statelessTemplate, 'AWS::ApiGatewayV2::Route'));
  const routeResource = (route: RouteDefinition) => routeResources().find((resource) => resource.Properties!.RouteKey === routeKey(route));

  it.each(routeTable.map((route) => ({ key: routeKey(route), route })))('$key: authorization and integration', ({ route }) => {
    const resource = routeResource(route);
    expect(resource).toBeDefined();
    expect(resource!.Properties!.AuthorizationType).toBe(route.auth === 'admin' ? 'AWS_IAM' : 'NONE');
    const integrationId = (resource!.Properties!.Target['Fn::Join'] as [string, unknown[]])[1].map((part) => (part as { Ref?: string }).Ref).find(Boolean)!;
    const integration = resourceById(sway.statelessTemplate, integrationId);
    expect(integration.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [functionLogicalId(route.functionName), 'Arn'] },
    });
  });

  it('throttles each route by its authorization, so a flood on one class of routes leaves the others their own', () => {
    const stage = Object.values(resourcesOfType(sway.statelessTemplate, 'AWS::ApiGatewayV2::Stage'))[0]! as TemplateResource & { DependsOn?: string[] };
    const routeSettings = stage.Properties!.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    expect(Object.keys(routeSettings).sort()).toEqual(routeTable.map(routeKey).sort());
    for (const route of routeTable) {
      expect(routeSettings[routeKey(route)], routeKey(route)).toEqual({
        ThrottlingRateLimit: routeThrottles[route.auth].rateLimit,
        ThrottlingBurstLimit: routeThrottles[route.auth].burstLimit,
      });
    }
    expect(routeThrottles.signed).not.toBe(routeThrottles.lookup);
    // Route settings may only name routes that exist: the stage is created after every route.
    const routeIds = Object.keys(resourcesOfType(sway.statelessTemplate, 'AWS::ApiGatewayV2::Route'));
    expect(stage.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  it('throttles and access-logs the default stage', () => {
    sway.statelessTemplate.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    sway.statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: apiThrottle.rateLimit, ThrottlingBurstLimit: apiThrottle.burstLimit },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HttpApiAccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
    });
  });

  it('outputs the API URL', () => {
    sway.statelessTemplate.hasOutput('ApiUrl', {
      Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
    });
    expect(JSON.stringify(sway.statelessTemplate.findOutputs('ApiUrl'))).toContain(logicalIdOf(sway.stateless.api));
  });
});

describe('stateless stack: operators', () => {
  const adminRoutes = routeTable.filter((route) => route.auth === 'admin');
  const grantsInvoke = (statement: { Action: string | string[] }) =>
    [statement.Action].flat().some((action) => action === '*' || /^execute-api:(\*|Invoke)$/i.test(action));
  const statementsOf = (template: Template, type: string) =>
    Object.entries(resourcesOfType(template, type)).flatMap(([id, resource]) =>
      [
        ...((resource.Properties?.PolicyDocument?.Statement as { Action: string | string[] }[] | undefined) ?? []),
        ...((resource.Properties?.Policies as { PolicyDocument: { Statement: { Action: string | string[] }[] } }[] | undefined) ?? []).flatMap(
          (policy) => policy.PolicyDocument.Statement,
        ),
      ].map((statement) => ({ id, statement })),
    );

  it('gives a managed policy execute-api:Invoke on each admin route (opt-outs included) and nothing else', () => {
    const policyId = logicalIdOf(sway.stateless.operators.policy);
    const statements = resourceById(sway.statelessTemplate, policyId).Properties!.PolicyDocument.Statement as {
      Action: string;
      Effect: string;
      Resource: unknown[];
    }[];
    expect(statements).toHaveLength(1);
    expect(statements[0]!.Action).toBe('execute-api:Invoke');
    expect(statements[0]!.Effect).toBe('Allow');
    const resources = statements[0]!.Resource.map((resource) => JSON.stringify(resource));
    expect(resources).toHaveLength(adminRoutes.length);
    for (const route of adminRoutes) {
      const path = route.path.replace(/\{[^}]+\}/g, '*');
      expect(
        resources.some((resource) => resource.includes(`/$default/${route.method}${path}"`)),
        `${route.method} ${route.path}`,
      ).toBe(true);
    }
    expect(adminRoutes.map((route) => route.method)).toContain('DELETE');
    sway.statelessTemplate.hasOutput('OperatorPolicyArn', { Value: { Ref: policyId } });
  });

  it('grants execute-api:Invoke to no other principal in any stack, and makes no operator role unless asked', () => {
    const policyId = logicalIdOf(sway.stateless.operators.policy);
    for (const template of [sway.statefulTemplate, sway.statelessTemplate, sway.webTemplate]) {
      for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group']) {
        const granting = statementsOf(template, type).filter(({ statement }) => grantsInvoke(statement));
        expect(
          granting.map(({ id }) => id),
          type,
        ).toEqual(template === sway.statelessTemplate && type === 'AWS::IAM::ManagedPolicy' ? [policyId] : []);
      }
    }
    expect(sway.stateless.operators.role).toBeUndefined();
    sway.statelessTemplate.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    // Attached to nobody by the stack: the operator attaches it to the people who operate.
    expect(resourceById(sway.statelessTemplate, policyId).Properties).not.toHaveProperty('Roles');
  });

  it(
    `makes a role to assume, trusted by the principal of ${operatorTrustContextKey}, with that policy alone`,
    () => {
      const app = newTestApp();
      app.node.setContext(operatorTrustContextKey, '123456789012');
      const { stateless } = buildSwayStacks(app);
      const template = Template.fromStack(stateless);
      const role = resourceById(template, logicalIdOf(stateless.operators.role!));
      expect(role.Properties!.ManagedPolicyArns).toEqual([{ Ref: logicalIdOf(stateless.operators.policy) }]);
      expect(role.Properties!.Policies).toBeUndefined();
      expect(JSON.stringify(role.Properties!.AssumeRolePolicyDocument)).toContain(':iam::123456789012:root');
      expect(role.Properties!.MaxSessionDuration).toBe(3600);
      const bad = newTestApp();
      bad.node.setContext(operatorTrustContextKey, 'everyone');
      expect(() => buildSwayStacks(bad)).toThrow(/must be an AWS account id or the ARN of an IAM user or role/);
    },
    synthesisTimeoutMs,
  );
});
