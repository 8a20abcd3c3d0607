import * as path from 'node:path';
import { CfnOutput, CrossStackReferences, Duration, ReferenceStrength, Size, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, LogGroupLogDestination, type CfnStage, type HttpRoute, type ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { Construct } from 'constructs';
import { env, queueUrlEnvVar, secretArnEnvVar, type SecretName } from '../lib/wiring/config';
import { functionCatalogue, type FunctionDefinition } from '../lib/wiring/functions';
import { objectStoreEnv } from '../lib/app/log/layout';
import { parseWantedDids } from '../lib/domain/networks/bluesky/wanted-dids';
import { secretsOfSignedFunctions } from '../lib/domain/networks/webhook-sources';
import { recomputeUnits } from '../lib/app/recompute/units';
import { LOOKUP_RATE_KEY_PREFIX } from '../lib/adapters/dynamodb/lookup-rate-store';
import { httpFunctionNames, routeKey, routes, type RouteAuth, type RouteDefinition } from '../lib/wiring/routes';
import { jetstreamSchedule, recomputeSchedule, visibilityTimeoutPerConsumerTimeout, type AwsQueueName, type ScheduleDefinition } from '../lib/wiring/workers';
import { installedDuckdbBinding } from './constructs/duckdb-binding';
import { OperatorAccess, operatorTrustContextKey } from './constructs/operator-access';
import { RecomputeStateMachine } from './constructs/recompute-state-machine';
import { powertoolsEnvironment, repositoryRoot, SwayFunction, type SwayFunctionProps } from './constructs/sway-function';
import { acknowledgeWildcardResource, nagName } from './nag';
import { pascalCase } from './naming';
import { stageOf } from './stage';
import type { DeployedQueue, DeployedTable } from './stateful-stack';

export interface SwayStatelessStackProps extends StackProps {
  tables: DeployedTable[];
  /** The interaction log and the recompute's state (lib/app/log/layout.ts). */
  objectStore: IBucket;
  queues: Record<AwsQueueName, DeployedQueue>;
  webhookSecrets: Record<SecretName, ISecret>;
  /** Read by the lookup functions only. */
  apiKeys: ISecret;
  /** The pages' key (CloudFront adds it); read by the lookup functions only. */
  siteKey: ISecret;
  /** Where a schedule's invocation that could not be made, and a Bluesky consumer run that failed, are kept. */
  failedInvocations: IQueue;
}

export type FunctionSizing = Pick<SwayFunctionProps, 'memorySize' | 'timeout' | 'reservedConcurrentExecutions' | 'ephemeralStorageSize'>;

/** The functions that start runs (executions of the recompute state machine) and read their status. */
const runStarter = 'start-recompute';
const runReader = 'get-run';

/**
 * CDK context keys of the Bluesky consumer, which is off unless the operator names a Jetstream
 * instance: `-c swayJetstreamUrl=wss://… -c swayJetstreamWantedDids=did:plc:a,did:plc:b` (the
 * accounts to follow; without them, every account of the network).
 */
export const jetstreamUrlContextKey = 'swayJetstreamUrl';
export const jetstreamWantedDidsContextKey = 'swayJetstreamWantedDids';
/**
 * Characters the DID list may take of Lambda's 4 KB for all of a function's environment variables
 * (the rest holds the table, queue and secret names): about 90 `did:plc:` DIDs.
 */
export const wantedDidsEnvironmentBudget = 3_000;

/** The function behind `POST /v1/admin/redrive`: it moves dead letters with SQS (lib/wiring/functions.ts keeps it off the table). */
const deadLetterRedriver = 'redrive-dead-letters';

const tableReadActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'];
const tableWriteActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/** The stage's default throttle, for any route without one of its own. */
export const apiThrottle = { rateLimit: 100, burstLimit: 200 } as const;

/**
 * Each route's own throttle (requests per second, burst), by its authorization: every route has a
 * bucket of its own, so unsigned floods on a webhook route cannot use up what deliveries to the
 * other routes and lookups need, nor a lookup flood what webhooks need.
 */
export const routeThrottles: Record<RouteAuth, ThrottleSettings> = {
  // A topic page view alone asks for 20 histories (its rows' trends) at once.
  lookup: { rateLimit: 200, burstLimit: 400 },
  // Providers deliver in bursts; `sway import` keeps up to 16 batches in flight.
  signed: { rateLimit: 100, burstLimit: 200 },
  admin: { rateLimit: 10, burstLimit: 20 },
  public: { rateLimit: 20, burstLimit: 40 },
};

/** The deployed functions behind the routes with this authorization (lookup functions check API keys, signed ones signatures). */
const functionNamesFor = (auth: RouteAuth): string[] =>
  [...functionCatalogue().values()].filter((definition) => definition.deployed && definition.auth === auth).map((definition) => definition.name);

/** A function's memory, time and /tmp, from the catalogue. */
const sizingOf = (definition: FunctionDefinition): Pick<SwayFunctionProps, 'memorySize' | 'timeout' | 'ephemeralStorageSize'> => ({
  memorySize: definition.memoryMb,
  timeout: Duration.seconds(definition.timeoutSeconds),
  ...(definition.tmpGiB ? { ephemeralStorageSize: Size.gibibytes(definition.tmpGiB) } : {}),
});

const unauthenticatedRouteReasons: Record<Exclude<RouteAuth, 'admin'>, string> = {
  public: 'Public by contract (CONTRACT section 4): the health check and the OpenAPI document are meant to be reachable by anyone.',
  lookup:
    'Lookups are public reads by contract (CONTRACT section 4), throttled at the stage; when the operator sets API keys in the sway/api-keys secret, the lookup functions require a valid x-api-key and limit each key (HTTP APIs have no API keys of their own).',
  signed:
    'Webhook senders (social networks) cannot sign AWS requests; the handler authenticates every request with an HMAC over the raw body, using a secret from Secrets Manager.',
};

/** The functions deployed to AWS: every function of the catalogue but the local-only ones (lib/wiring/workers.ts). */
export const awsFunctionNames = (): string[] =>
  [...functionCatalogue().values()].filter((definition) => definition.deployed).map((definition) => definition.name);

/**
 * Everything that can be replaced without losing data: the functions, the HTTP API built from the
 * route table, the queue consumers, the recompute state machine with its schedule and failure
 * rule, and the Bluesky consumer's schedule.
 */
export class SwayStatelessStack extends Stack {
  public readonly functions: ReadonlyMap<string, SwayFunction>;
  public readonly api: HttpApi;
  public readonly apiUrl: string;
  public readonly recompute: RecomputeStateMachine;
  public readonly recomputeSchedule: Schedule;
  /** Absent when the Bluesky consumer is turned off. */
  public readonly jetstreamSchedule?: Schedule;
  public readonly operators: OperatorAccess;

  constructor(scope: Construct, id: string, props: SwayStatelessStackProps) {
    super(scope, id, props);
    // Strong references (exports/imports) stop the stateful stack from dropping a table, queue or
    // secret that deployed functions still use.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);

    const catalogue = [...functionCatalogue().values()].filter((definition) => definition.deployed);
    const duckdb = installedDuckdbBinding(path.join(repositoryRoot, 'node_modules'));
    const environment = this.sharedEnvironment(props);
    const jetstream = this.jetstreamEnvironment();
    const functionEnvironment = (definition: FunctionDefinition): Record<string, string> => ({
      ...environment,
      ...(definition.name === jetstreamSchedule.target ? jetstream : {}),
      ...(definition.auth === 'lookup' ? { [env.apiKeysSecretArn]: props.apiKeys.secretArn, [env.siteKeySecretArn]: props.siteKey.secretArn } : {}),
      ...(definition.objectStore ? { [objectStoreEnv.bucket]: props.objectStore.bucketName } : {}),
      ...(definition.nodeFlags.length > 0 ? { NODE_OPTIONS: [powertoolsEnvironment.NODE_OPTIONS, ...definition.nodeFlags].join(' ') } : {}),
    });
    this.functions = new Map(
      catalogue.map((definition) => [
        definition.name,
        new SwayFunction(this, `${pascalCase(definition.name)}Function`, {
          name: definition.name,
          environment: functionEnvironment(definition),
          ...sizingOf(definition),
          ...(definition.duckdb ? { duckdb } : {}),
        }),
      ]),
    );

    this.grantTableAccess(props.tables, catalogue);
    this.grantQueueAccess(props.queues);
    this.grantSecretAccess(props.webhookSecrets, [props.apiKeys, props.siteKey]);
    this.grantObjectStoreAccess(props.objectStore);
    this.connectQueueConsumers(props.queues);

    this.recompute = new RecomputeStateMachine(this, 'Recompute', {
      bucket: props.objectStore,
      functions: {
        prepare: this.functionNamed(recomputeUnits.prepare).function,
        topic: this.functionNamed(recomputeUnits.topic).function,
        finish: this.functionNamed(recomputeUnits.finish).function,
        failed: this.functionNamed(recomputeUnits.failed).function,
      },
    });
    this.connectRunFunctions(this.recompute);
    this.recomputeSchedule = this.createRecomputeSchedule(this.recompute, props.failedInvocations);
    if (jetstream[env.jetstreamUrl]) {
      this.jetstreamSchedule = this.createSchedule(
        'JetstreamSchedule',
        jetstreamSchedule,
        `Read Bluesky's Jetstream for ${jetstreamSchedule.readSeconds} s every ${jetstreamSchedule.rateMinutes} min`,
        props.failedInvocations,
      );
      // A failed run is not retried: the next one, a minute later, resumes from the saved cursor. It is kept, for the alarm and the operator.
      this.functionNamed(jetstreamSchedule.target).function.configureAsyncInvoke({ retryAttempts: 0, onFailure: new SqsDestination(props.failedInvocations) });
    }

    const { api, url } = this.createHttpApi();
    this.api = api;
    this.apiUrl = url;
    new CfnOutput(this, 'ApiUrl', { value: url, description: 'Base URL of the Sway HTTP API' });
    const trust: unknown = this.node.tryGetContext(operatorTrustContextKey);
    if (trust !== undefined && typeof trust !== 'string') throw new Error(`-c ${operatorTrustContextKey} must be a string`);
    this.operators = new OperatorAccess(this, 'Operators', {
      api,
      adminRoutes: (routes as readonly RouteDefinition[]).filter((route) => route.auth === 'admin'),
      trust: trust || undefined,
    });
  }

  public functionNamed(name: string): SwayFunction {
    const swayFunction = this.functions.get(name);
    if (!swayFunction) throw new Error(`no Sway function named ${name}`);
    return swayFunction;
  }

  /** The Bluesky consumer's settings from the CDK context: none (the consumer is off) unless a Jetstream URL is given. */
  private jetstreamEnvironment(): Record<string, string> {
    const url: unknown = this.node.tryGetContext(jetstreamUrlContextKey);
    const wantedDidsContext: unknown = this.node.tryGetContext(jetstreamWantedDidsContextKey);
    if (wantedDidsContext !== undefined && typeof wantedDidsContext !== 'string' && !Array.isArray(wantedDidsContext)) {
      throw new Error(`-c ${jetstreamWantedDidsContextKey} must be a comma list of DIDs`);
    }
    if (url === undefined || url === '') return {};
    if (typeof url !== 'string' || !URL.canParse(url) || !['wss:', 'ws:'].includes(new URL(url).protocol)) {
      throw new Error(`-c ${jetstreamUrlContextKey} must be a Jetstream WebSocket URL (wss://…), not ${JSON.stringify(url)}`);
    }
    let wantedDids: string[];
    try {
      wantedDids = parseWantedDids(wantedDidsContext as string | string[] | undefined);
    } catch (error) {
      throw new Error(`-c ${jetstreamWantedDidsContextKey}: ${(error as Error).message}`);
    }
    const wantedDidsList = wantedDids.join(',');
    if (wantedDidsList.length > wantedDidsEnvironmentBudget) {
      throw new Error(
        `-c ${jetstreamWantedDidsContextKey}: ${wantedDids.length} DIDs take ${wantedDidsList.length} characters, more than the ${wantedDidsEnvironmentBudget} a Lambda environment leaves them`,
      );
    }
    return { [env.jetstreamUrl]: url, ...(wantedDids.length > 0 ? { [env.jetstreamWantedDids]: wantedDidsList } : {}) };
  }

  /** Names and ARNs only: secret values are read at run time from Secrets Manager. */
  private sharedEnvironment(props: SwayStatelessStackProps): Record<string, string> {
    const environment: Record<string, string> = {};
    for (const { definition, table } of props.tables) environment[definition.envVar] = table.tableName;
    for (const { definition, queue, deadLetterQueue } of Object.values<DeployedQueue>(props.queues)) {
      environment[queueUrlEnvVar(definition.name as AwsQueueName)] = queue.queueUrl;
      environment[queueUrlEnvVar(definition.name as AwsQueueName, true)] = deadLetterQueue.queueUrl;
    }
    return environment;
  }

  /** Each function reads the tables, or reads and writes them, as the catalogue says (lib/wiring/functions.ts). */
  private grantTableAccess(tables: DeployedTable[], catalogue: readonly FunctionDefinition[]): void {
    for (const { name, table: access } of catalogue) {
      for (const { definition, table } of tables) {
        // Named index ARNs rather than CDK's `<table>/index/*`: least privilege with no wildcard to acknowledge.
        const resources = [table.tableArn, ...(definition.globalSecondaryIndexes ?? []).map((index) => `${table.tableArn}/index/${index.indexName}`)];
        const actions = access === 'write' ? [...tableReadActions, ...tableWriteActions] : tableReadActions;
        this.functionNamed(name).function.addToRolePolicy(new PolicyStatement({ actions, resources }));
      }
    }
    // Lookups behind API keys count each key's lookups in the main table (lib/adapters/dynamodb/lookup-rate-store.ts): those items alone.
    const [main] = tables;
    for (const name of functionNamesFor('lookup')) {
      this.functionNamed(name).function.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:UpdateItem'],
          resources: [main!.table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${LOOKUP_RATE_KEY_PREFIX}*`] } },
        }),
      );
    }
  }

  private grantQueueAccess(deployedQueues: Record<AwsQueueName, DeployedQueue>): void {
    for (const { definition, queue } of Object.values<DeployedQueue>(deployedQueues)) {
      for (const producerName of definition.producers) queue.grantSendMessages(this.functionNamed(producerName).function);
    }
    for (const readerName of [...functionCatalogue().values()].filter((definition) => definition.deployed && definition.queueStats).map(({ name }) => name)) {
      const reader = this.functionNamed(readerName).function;
      for (const { queue, deadLetterQueue } of Object.values<DeployedQueue>(deployedQueues)) {
        queue.grant(reader, 'sqs:GetQueueAttributes');
        deadLetterQueue.grant(reader, 'sqs:GetQueueAttributes');
      }
    }
    // A message move task from each dead-letter queue back to its source queue, as SQS requires it.
    const redriver = this.functionNamed(deadLetterRedriver).function;
    for (const { queue, deadLetterQueue } of Object.values<DeployedQueue>(deployedQueues)) {
      deadLetterQueue.grant(
        redriver,
        'sqs:StartMessageMoveTask',
        'sqs:ListMessageMoveTasks',
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
      );
      queue.grant(redriver, 'sqs:SendMessage');
    }
  }

  /** Each function that verifies signatures reads its own webhook secrets only; only the lookups the API keys. */
  private grantSecretAccess(webhookSecrets: Record<SecretName, ISecret>, lookupSecrets: readonly ISecret[]): void {
    for (const [name, secretNames] of Object.entries(secretsOfSignedFunctions())) {
      const signed = this.functionNamed(name).function;
      for (const secretName of secretNames) {
        const secret = webhookSecrets[secretName];
        if (!secret) throw new Error(`${name} reads the secret ${secretName}, which the stateful stack does not hold`);
        secret.grantRead(signed);
        signed.addEnvironment(secretArnEnvVar(secretName), secret.secretArn);
      }
    }
    for (const name of functionNamesFor('lookup')) for (const secret of lookupSecrets) secret.grantRead(this.functionNamed(name).function);
  }

  /** Each function the catalogue gives object store access gets what it lists there, on its prefixes only. */
  private grantObjectStoreAccess(bucket: IBucket): void {
    const objectsUnder = (prefixes: readonly string[]): string[] => prefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`));
    const bucketArn = nagName(this, bucket.bucketArn, bucket);
    for (const { name, objectStore: access } of [...functionCatalogue().values()].filter((definition) => definition.deployed)) {
      if (!access) continue;
      const swayFunction = this.functionNamed(name);
      const role = swayFunction.function;
      const statements: [string, readonly string[] | undefined][] = [
        ['s3:GetObject', access.read],
        ['s3:PutObject', access.write],
        ['s3:DeleteObject', access.delete],
      ];
      for (const [action, prefixes] of statements) {
        if (prefixes?.length) role.addToRolePolicy(new PolicyStatement({ actions: [action], resources: objectsUnder(prefixes) }));
      }
      if (access.list) role.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
      for (const prefix of new Set([...(access.read ?? []), ...(access.write ?? []), ...(access.delete ?? [])])) {
        const actions = statements.filter(([, prefixes]) => prefixes?.includes(prefix)).map(([action]) => action);
        acknowledgeWildcardResource(
          swayFunction.role,
          `${bucketArn}/${prefix}*`,
          `S3 grants objects by key prefix: ${name} may ${actions.join(', ')} only the objects under ${prefix} of the object store (lib/app/log/layout.ts); the wildcard is their keys, nothing beyond the prefix.`,
        );
      }
    }
  }

  /** start-recompute starts executions (runs) of the state machine; get-run reads their status. */
  private connectRunFunctions(recompute: RecomputeStateMachine): void {
    const { stateMachine } = recompute;
    for (const name of [runStarter, runReader]) this.functionNamed(name).function.addEnvironment(env.stateMachineArn, stateMachine.stateMachineArn);
    stateMachine.grantStartExecution(this.functionNamed(runStarter).function);
    const reader = this.functionNamed(runReader);
    stateMachine.grantExecution(reader.function, 'states:DescribeExecution');
    acknowledgeWildcardResource(
      reader.role,
      nagName(this, recompute.executionArns),
      `${runReader} reads the status of a run from its execution (DescribeExecution), named by the run id: the wildcard is the execution name, and only executions of the recompute state machine.`,
    );
  }

  /** Every `rateMinutes`, an execution of the recompute state machine with the schedule's input. */
  private createRecomputeSchedule(recompute: RecomputeStateMachine, failedInvocations: IQueue): Schedule {
    const rate = Duration.minutes(recomputeSchedule.rateMinutes);
    return new Schedule(this, 'RecomputeSchedule', {
      description: `Recompute Sway scores every ${recomputeSchedule.rateMinutes} minutes`,
      schedule: ScheduleExpression.rate(rate),
      target: new StepFunctionsStartExecution(recompute.stateMachine, {
        input: ScheduleTargetInput.fromObject(recomputeSchedule.input),
        // A trigger older than one period has been superseded by the next one.
        maxEventAge: rate,
        retryAttempts: 3,
        deadLetterQueue: failedInvocations,
      }),
    });
  }

  private connectQueueConsumers(deployedQueues: Record<AwsQueueName, DeployedQueue>): void {
    for (const { definition, queue } of Object.values<DeployedQueue>(deployedQueues)) {
      const consumer = this.functionNamed(definition.consumer).function;
      const consumerTimeoutSeconds = consumer.timeout?.toSeconds() ?? 3; // 3 s: Lambda's default
      if (definition.visibilityTimeoutSeconds < visibilityTimeoutPerConsumerTimeout * consumerTimeoutSeconds) {
        throw new Error(
          `the ${definition.name} queue's visibility timeout (${definition.visibilityTimeoutSeconds} s) is less than ${visibilityTimeoutPerConsumerTimeout} times the ${consumerTimeoutSeconds} s timeout of ${definition.consumer}`,
        );
      }
      consumer.addEventSource(
        new SqsEventSource(queue, {
          batchSize: definition.batchSize,
          reportBatchItemFailures: true,
          // 2 is the lowest maximum concurrency an SQS event source accepts.
          maxConcurrency: Math.max(2, definition.maxConcurrency),
        }),
      );
    }
  }

  private createSchedule(id: string, definition: ScheduleDefinition, description: string, failedInvocations: IQueue): Schedule {
    const rate = Duration.minutes(definition.rateMinutes);
    const target = this.functionNamed(definition.target).function;
    const targetLogicalId: string = this.resolve((target.node.defaultChild as CfnFunction).logicalId);
    // The finding is on the scheduler's execution role, which LambdaInvoke creates at stack level.
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${targetLogicalId}.Arn>:*]`,
      reason: `The scheduler role may invoke the ${definition.target} function and its versions/aliases (ARN suffix :*), nothing else; LambdaInvoke grants both forms.`,
    });
    return new Schedule(this, id, {
      description,
      schedule: ScheduleExpression.rate(rate),
      target: new LambdaInvoke(target, {
        input: ScheduleTargetInput.fromObject(definition.input),
        // A trigger older than one period has been superseded by the next one.
        maxEventAge: rate,
        retryAttempts: 3,
        deadLetterQueue: failedInvocations,
      }),
    });
  }

  private createHttpApi(): { api: HttpApi; url: string } {
    const api = new HttpApi(this, 'HttpApi', {
      description: 'Sway: ingestion, scores, leaderboards and administration',
      createDefaultStage: false,
    });
    const accessLogGroup = new logs.LogGroup(this, 'HttpApiAccessLogs', { retention: stageOf(this).logRetention });
    const stage = api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: apiThrottle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogGroup),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    const iamAuthorizer = new HttpIamAuthorizer();
    const integrations = new Map(
      httpFunctionNames().map((name) => [name, new HttpLambdaIntegration(`${pascalCase(name)}Integration`, this.functionNamed(name).function)]),
    );
    const routeSettings: Record<string, { ThrottlingRateLimit?: number; ThrottlingBurstLimit?: number }> = {};
    for (const route of routes as readonly RouteDefinition[]) {
      const httpRoutes: HttpRoute[] = api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrations.get(route.functionName)!,
        authorizer: route.auth === 'admin' ? iamAuthorizer : undefined,
      });
      if (route.auth !== 'admin') {
        for (const httpRoute of httpRoutes) {
          Validations.of(httpRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason: unauthenticatedRouteReasons[route.auth] });
        }
      }
      const { rateLimit, burstLimit } = routeThrottles[route.auth];
      routeSettings[routeKey(route)] = { ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit };
      // A stage's route settings may only name routes that exist already.
      stage.node.addDependency(...httpRoutes);
    }
    (stage.node.defaultChild as CfnStage).routeSettings = routeSettings;
    return { api, url: stage.url };
  }
}
