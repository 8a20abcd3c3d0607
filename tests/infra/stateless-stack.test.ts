import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { env, queueUrlEnvVar } from '../../lib/config';
import { httpFunctionNames, routeKey, routes, type RouteDefinition } from '../../lib/routes';
import { jetstreamSchedule, queues, recomputeSchedule, type QueueName } from '../../lib/workers';
import { powertoolsEnvironment } from '../../infra/constructs/sway-function';
import { buildSwayStacks } from '../../infra/sway-app';
import { apiThrottle, defaultJetstreamUrl, jetstreamUrlContextKey } from '../../infra/stateless-stack';
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

const routeTable = routes as readonly RouteDefinition[];
const queueDefinitions = Object.values(queues);
const expectedFunctionNames = new Set([
  ...httpFunctionNames(),
  ...queueDefinitions.map((queue) => queue.consumer),
  recomputeSchedule.target,
  jetstreamSchedule.target,
]);

let sway: SwayFixture;
beforeAll(() => {
  sway = synthesizeSway();
}, synthesisTimeoutMs);

const functionResource = (name: string): TemplateResource =>
  resourceById(sway.statelessTemplate, logicalIdOf(sway.stateless.functionNamed(name).function));
const functionLogicalId = (name: string): string => logicalIdOf(sway.stateless.functionNamed(name).function);
const roleStatements = (name: string) => statementsOfRole(sway.statelessTemplate, logicalIdOf(sway.stateless.functionNamed(name).role));
const allowedActions = (name: string): string[] => roleStatements(name).flatMap((statement) => statement.Action);
/** Whether some statement of the function's role allows `action` on a resource whose JSON mentions `resourceLogicalId`. */
const allows = (name: string, action: string, resourceLogicalId: string): boolean =>
  roleStatements(name).some(
    (statement) => statement.Action.includes(action) && statement.Resource.some((resource) => JSON.stringify(resource).includes(resourceLogicalId)),
  );

describe('stateless stack: functions', () => {
  it('creates one function per distinct HTTP function name plus the queue consumers and the schedule target', () => {
    sway.statelessTemplate.resourceCountIs('AWS::Lambda::Function', expectedFunctionNames.size);
    expect(new Set(sway.stateless.functions.keys())).toEqual(expectedFunctionNames);
    for (const name of expectedFunctionNames) {
      expect(functionResource(name).Properties!.Description).toContain(`functions/${name}.ts`);
    }
  });

  it('runs every function on Node.js 22 or later, on arm64, with active tracing and its own log group', () => {
    const functions = Object.values(resourcesOfType(sway.statelessTemplate, 'AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      const runtime = fn.Properties!.Runtime as string;
      expect(runtime).toMatch(/^nodejs\d+\.x$/);
      expect(Number(/^nodejs(\d+)\.x$/.exec(runtime)![1])).toBeGreaterThanOrEqual(22);
      expect(fn.Properties!.Architectures).toEqual(['arm64']);
      expect(fn.Properties!.Handler).toBe('index.handler');
      expect(fn.Properties!.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties!.LoggingConfig.LogGroup).toEqual({ Ref: expect.any(String) });
    }
    sway.statelessTemplate.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('uses 1024 MB and 10 s unless a function needs more', () => {
    for (const name of httpFunctionNames().filter((name) => !queueDefinitions.some((queue) => queue.consumer === name))) {
      expect(functionResource(name).Properties).toMatchObject({ MemorySize: 1024, Timeout: 10 });
    }
    expect(functionResource(queues.interactions.consumer).Properties).toMatchObject({ Timeout: 30 });
    expect(functionResource(queues.recomputeRequests.consumer).Properties).toMatchObject({ Timeout: 900, MemorySize: 1769 });
  });

  it('gives every queue consumer a timeout no longer than its queue visibility timeout', () => {
    for (const definition of queueDefinitions) {
      expect(functionResource(definition.consumer).Properties!.Timeout).toBeLessThanOrEqual(definition.visibilityTimeoutSeconds);
    }
  });

  it('sets the Powertools variables and the names of the table, queues, DLQs and secret in every function', () => {
    const expectedNames = [
      env.tableName,
      env.secretsArn,
      ...queueDefinitions.flatMap((queue) => [queueUrlEnvVar(queue.name as QueueName), queueUrlEnvVar(queue.name as QueueName, true)]),
    ];
    for (const name of expectedFunctionNames) {
      const variables = functionResource(name).Properties!.Environment.Variables as Record<string, unknown>;
      expect(variables).toMatchObject(powertoolsEnvironment);
      expect(variables.POWERTOOLS_TRACE_ENABLED).toBe('true');
      for (const variable of expectedNames) expect(variables[variable], `${name}: ${variable}`).toBeDefined();
      for (const { queue, deadLetterQueue, definition } of Object.values(sway.stateful.queues)) {
        expect(JSON.stringify(variables[queueUrlEnvVar(definition.name as QueueName)])).toContain(`Ref${logicalIdOf(queue)}`);
        expect(JSON.stringify(variables[queueUrlEnvVar(definition.name as QueueName, true)])).toContain(`Ref${logicalIdOf(deadLetterQueue)}`);
      }
      expect(JSON.stringify(variables[env.tableName])).toContain(`Ref${logicalIdOf(sway.stateful.tables[0]!.table)}`);
      expect(JSON.stringify(variables[env.secretsArn])).toContain(`Ref${logicalIdOf(sway.stateful.webhookSecrets)}`);
    }
  });
});

describe('stateless stack: least privilege', () => {
  const tableWriteActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
  const lookupFunctionNames = [
    ...new Set(routeTable.filter((route) => route.auth === 'lookup' || route.auth === 'public').map((route) => route.functionName)),
  ];

  it('lets lookup and public functions only read the table', () => {
    expect(lookupFunctionNames.length).toBeGreaterThan(0);
    const tableId = logicalIdOf(sway.stateful.tables[0]!.table);
    for (const name of lookupFunctionNames) {
      expect(allows(name, 'dynamodb:GetItem', tableId), name).toBe(true);
      expect(allows(name, 'dynamodb:Query', tableId), name).toBe(true);
      for (const action of tableWriteActions) expect(allowedActions(name), name).not.toContain(action);
    }
  });

  it('lets the queue consumers and start-recompute write the table', () => {
    const tableId = logicalIdOf(sway.stateful.tables[0]!.table);
    for (const name of [...queueDefinitions.map((queue) => queue.consumer), 'start-recompute']) {
      for (const action of tableWriteActions) expect(allows(name, action, tableId), `${name} ${action}`).toBe(true);
    }
  });

  it('lets only the producers of the interactions queue send to it, only start-recompute to the recompute queue, and the redrive move dead letters back', () => {
    const senders = (queueName: QueueName) =>
      [...expectedFunctionNames].filter((name) => allows(name, 'sqs:SendMessage', logicalIdOf(sway.stateful.queues[queueName].queue)));
    // SQS's message move task sends to the source queue on behalf of the function that starts it.
    expect(senders('interactions').sort()).toEqual([...queues.interactions.producers, 'redrive-dead-letters'].sort());
    expect(senders('interactions')).toContain('consume-jetstream');
    expect(senders('recompute-requests').sort()).toEqual(['redrive-dead-letters', 'start-recompute']);
    for (const name of expectedFunctionNames) {
      for (const { deadLetterQueue } of Object.values(sway.stateful.queues)) {
        expect(allows(name, 'sqs:SendMessage', logicalIdOf(deadLetterQueue))).toBe(false);
      }
    }
  });

  it('lets get-stats read the attributes of every queue and DLQ', () => {
    for (const { queue, deadLetterQueue } of Object.values(sway.stateful.queues)) {
      expect(allows('get-stats', 'sqs:GetQueueAttributes', logicalIdOf(queue))).toBe(true);
      expect(allows('get-stats', 'sqs:GetQueueAttributes', logicalIdOf(deadLetterQueue))).toBe(true);
    }
  });

  it('lets only the functions behind signed routes read the webhook secrets', () => {
    const secretId = logicalIdOf(sway.stateful.webhookSecrets);
    const readers = [...expectedFunctionNames].filter((name) => allows(name, 'secretsmanager:GetSecretValue', secretId));
    const signedRouteFunctions = [...new Set(routeTable.filter((route) => route.auth === 'signed').map((route) => route.functionName))];
    expect(readers.sort()).toEqual(signedRouteFunctions.sort());
    expect(readers).toContain('ingest-interactions');
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
      `GetAtt${logicalIdOf(sway.stateful.queues[definition.name].queue)}Arn`,
    );
  });

  it('has no other event source mappings', () => {
    sway.statelessTemplate.resourceCountIs('AWS::Lambda::EventSourceMapping', queueDefinitions.length);
  });
});

describe('stateless stack: recompute schedule', () => {
  it('invokes the recompute function at the defined rate with the defined input', () => {
    sway.statelessTemplate.resourceCountIs('AWS::Scheduler::Schedule', 2);
    sway.statelessTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: `rate(${recomputeSchedule.rateMinutes} minutes)`,
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [functionLogicalId(recomputeSchedule.target), 'Arn'] },
        Input: JSON.stringify(recomputeSchedule.input),
      }),
    });
  });
});

describe('stateless stack: Bluesky consumer', () => {
  it('invokes consume-jetstream every minute with the schedule input', () => {
    sway.statelessTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: Match.stringLikeRegexp(`^rate\\(${jetstreamSchedule.rateMinutes} minutes?\\)$`),
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [functionLogicalId(jetstreamSchedule.target), 'Arn'] },
        Input: JSON.stringify(jetstreamSchedule.input),
        RetryPolicy: Match.objectLike({ MaximumEventAgeInSeconds: 60 }),
      }),
    });
  });

  it('gives consume-jetstream the Jetstream URL, a timeout beyond its read time, and no retry of a failed run', () => {
    const properties = functionResource(jetstreamSchedule.target).Properties!;
    expect(properties.Environment.Variables[env.jetstreamUrl]).toBe(defaultJetstreamUrl);
    expect(properties.Timeout).toBe(jetstreamSchedule.timeoutSeconds);
    expect(jetstreamSchedule.timeoutSeconds).toBeGreaterThan(jetstreamSchedule.readSeconds);
    sway.statelessTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionLogicalId(jetstreamSchedule.target) },
      MaximumRetryAttempts: 0,
    });
    for (const name of expectedFunctionNames) {
      if (name !== jetstreamSchedule.target) expect(functionResource(name).Properties!.Environment.Variables[env.jetstreamUrl], name).toBeUndefined();
    }
  });

  it('lets consume-jetstream read and write the table (its cursor, the applied interactions) and read no secret', () => {
    const tableId = logicalIdOf(sway.stateful.tables[0]!.table);
    for (const action of ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem']) {
      expect(allows(jetstreamSchedule.target, action, tableId), action).toBe(true);
    }
    expect(allows(jetstreamSchedule.target, 'secretsmanager:GetSecretValue', logicalIdOf(sway.stateful.webhookSecrets))).toBe(false);
  });

  it(`reads another instance from the ${jetstreamUrlContextKey} context value, and none when it is empty`, () => {
    const configured = (value: string) => {
      const app = newTestApp();
      app.node.setContext(jetstreamUrlContextKey, value);
      const { stateless } = buildSwayStacks(app);
      return { stateless, template: Template.fromStack(stateless) };
    };
    const west = configured('wss://jetstream1.us-west.bsky.network/subscribe');
    expect(resourceById(west.template, logicalIdOf(west.stateless.functionNamed(jetstreamSchedule.target).function)).Properties!.Environment.Variables[env.jetstreamUrl]).toBe(
      'wss://jetstream1.us-west.bsky.network/subscribe',
    );
    const off = configured('');
    off.template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    expect(off.stateless.jetstreamSchedule).toBeUndefined();
    expect(resourceById(off.template, logicalIdOf(off.stateless.functionNamed(jetstreamSchedule.target).function)).Properties!.Environment.Variables).not.toHaveProperty(env.jetstreamUrl);
  }, synthesisTimeoutMs);
});

describe('stateless stack: HTTP API', () => {
  const routeResources = () => Object.values(resourcesOfType(sway.statelessTemplate, 'AWS::ApiGatewayV2::Route'));
  const routeResource = (route: RouteDefinition) => routeResources().find((resource) => resource.Properties!.RouteKey === routeKey(route));

  it.each(routeTable.map((route) => ({ key: routeKey(route), route })))('$key: authorization and integration', ({ route }) => {
    const resource = routeResource(route);
    expect(resource).toBeDefined();
    expect(resource!.Properties!.AuthorizationType).toBe(route.auth === 'admin' ? 'AWS_IAM' : 'NONE');
    const integrationId = (resource!.Properties!.Target['Fn::Join'] as [string, unknown[]])[1]
      .map((part) => (part as { Ref?: string }).Ref)
      .find(Boolean)!;
    const integration = resourceById(sway.statelessTemplate, integrationId);
    expect(integration.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [functionLogicalId(route.functionName), 'Arn'] },
    });
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
