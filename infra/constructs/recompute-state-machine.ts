import { Arn, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { STEPFUNCTIONS_USE_DISTRIBUTED_MAP_RESULT_WRITER_V2 } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { objectStoreLayout } from '../../lib/app/log/layout';
import { TOPIC_CONCURRENCY } from '../../lib/app/recompute/units';
import { acknowledgeWildcardResource, nagName } from '../nag';
import { stageOf } from '../stage';

/** Longest a run may take before Step Functions stops it (and the failure rule marks it failed). */
export const recomputeTimeout = Duration.hours(2);

/**
 * Where the Distributed Map writes its results (Step Functions adds the map run's id and writes a
 * `manifest.json` and `SUCCEEDED_n`/`FAILED_n`/`PENDING_n` files): with the runs' other
 * hand-overs, so they expire with them.
 */
export const mapResultsPrefix = `${objectStoreLayout.runs.prefix}map-results`;

/**
 * An API-requested run whose prepare finds another run holding the lock waits for it: prepare is
 * retried on this error, every 30 s doubling, at most 8 times. The wait between two attempts is
 * capped at 10 minutes: uncapped, the eighth retry would come 2 h 7 min after the first attempt,
 * past the run's `recomputeTimeout`.
 */
export const runInProgressRetry = {
  errors: ['RunInProgressError'],
  interval: Duration.seconds(30),
  backoffRate: 2,
  maxAttempts: 8,
  maxDelay: Duration.minutes(10),
} as const satisfies sfn.RetryProps;

/** The errors of the Lambda service itself (not of the function's code), worth retrying. */
export const lambdaServiceErrors = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** Each topic is retried twice, with backoff, on a Lambda service error and on any other error. */
export const topicRetries: readonly sfn.RetryProps[] = [
  { errors: lambdaServiceErrors, interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 2 },
  { errors: [sfn.Errors.ALL], interval: Duration.seconds(10), backoffRate: 2, maxAttempts: 2 },
];

/** The Distributed Map's label: its child executions are named `<state machine>/<label>:<id>`. */
export const mapLabel = 'topics';

/** Execution statuses that end a run without its finish: the failure rule marks such runs failed. */
export const endedWithoutFinishStatuses = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

/** The state names, as they appear in the definition (and in the console). */
export const recomputeStateNames = {
  trigger: 'WhichTrigger',
  prepareRequested: 'PrepareRequestedRun',
  prepareScheduled: 'PrepareScheduledRun',
  skipped: 'SkippedOrNot',
  skippedEnd: 'AnotherRunHoldsTheLock',
  map: 'ScoreTopics',
  topic: 'ScoreTopic',
  finish: 'Finish',
  failed: 'MarkRunFailed',
  fail: 'RunFailed',
} as const;

export interface RecomputeFunctions {
  prepare: lambda.IFunction;
  topic: lambda.IFunction;
  finish: lambda.IFunction;
  failed: lambda.IFunction;
}

export interface RecomputeStateMachineProps {
  functions: RecomputeFunctions;
  /** The object store: the map's items (prepare's topic list) and its results live under `runs/`. */
  bucket: s3.IBucket;
}

/** The S3 JSON item reader, allowed to read only the runs' hand-overs, not the whole bucket (CDK's default). */
class RunsJsonItemReader extends sfn.S3JsonItemReader {
  private readonly objectArns: string[];

  constructor(props: sfn.S3FileItemReaderProps, objectArns: string[]) {
    super(props);
    this.objectArns = objectArns;
  }

  override providePolicyStatements(): iam.PolicyStatement[] {
    return [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: this.objectArns })];
  }
}

/** The result writer, allowed to write only under its prefix, not the whole bucket (CDK's default). */
class PrefixResultWriter extends sfn.ResultWriterV2 {
  private readonly objectArns: string[];

  constructor(props: sfn.ResultWriterV2Props, objectArns: string[]) {
    super(props);
    this.objectArns = objectArns;
  }

  override providePolicyStatements(): iam.PolicyStatement[] {
    // What Step Functions needs to write the results as multipart uploads.
    return [
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: this.objectArns,
      }),
    ];
  }
}

/**
 * A recompute run (lib/app/recompute/units.ts) as a Step Functions state machine, and the rule that
 * marks runs failed when their execution fails, times out or is aborted:
 *
 * ```
 * WhichTrigger ─api──────▶ PrepareRequestedRun (retried while another run holds the lock) ─┐
 *              └schedule─▶ PrepareScheduledRun ─────────────────────────────────────────────┤
 *   SkippedOrNot ◀────────────────────────────────────────────────────────────────────────────┘
 *     ├ skipped ──▶ AnotherRunHoldsTheLock (succeeds)
 *     └───────────▶ ScoreTopics (Distributed Map over prepare's topic list: ScoreTopic per item)
 *                     ──▶ Finish
 * any error of prepare, the map or finish ──▶ MarkRunFailed ──▶ RunFailed
 * ```
 */
export class RecomputeStateMachine extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  /** The ARN of any execution (run) of the state machine: `arn:…:execution:<name>:*`. */
  public readonly executionArns: string;
  public readonly logGroup: logs.LogGroup;
  public readonly failedExecutionRule: events.Rule;

  constructor(scope: Construct, id: string, props: RecomputeStateMachineProps) {
    super(scope, id);
    // ResultWriterV2 (ResultWriter is deprecated) is rendered only with this flag set.
    this.node.setContext(STEPFUNCTIONS_USE_DISTRIBUTED_MAP_RESULT_WRITER_V2, true);
    const { functions, bucket } = props;
    const names = recomputeStateNames;

    // The run id is the execution's name, whatever the state's input holds by then.
    const markFailed = new tasks.LambdaInvoke(this, 'MarkFailed', {
      stateName: names.failed,
      lambdaFunction: functions.failed,
      payloadResponseOnly: true,
      payload: sfn.TaskInput.fromObject({ runId: sfn.JsonPath.executionName, error: sfn.JsonPath.stringAt('$.error.Error') }),
      resultPath: sfn.JsonPath.DISCARD,
    });
    markFailed.next(new sfn.Fail(this, 'Fail', { stateName: names.fail, errorPath: '$.error.Error', causePath: '$.error.Cause' }));
    const onError = { errors: [sfn.Errors.ALL], resultPath: '$.error' };

    const prepare = (constructId: string, stateName: string): tasks.LambdaInvoke =>
      new tasks.LambdaInvoke(this, constructId, {
        stateName,
        lambdaFunction: functions.prepare,
        payloadResponseOnly: true,
        payload: sfn.TaskInput.fromObject({ runId: sfn.JsonPath.executionName, trigger: sfn.JsonPath.stringAt('$.trigger') }),
      });
    const prepareRequested = prepare('PrepareRequested', names.prepareRequested).addRetry(runInProgressRetry).addCatch(markFailed, onError);
    const prepareScheduled = prepare('PrepareScheduled', names.prepareScheduled).addCatch(markFailed, onError);

    const scoreTopic = new tasks.LambdaInvoke(this, 'ScoreTopic', {
      stateName: names.topic,
      lambdaFunction: functions.topic,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    for (const retry of topicRetries) scoreTopic.addRetry(retry);

    const runsObjects = bucket.arnForObjects(`${objectStoreLayout.runs.prefix}*`);
    const scoreTopics = new sfn.DistributedMap(this, 'ScoreTopics', {
      stateName: names.map,
      itemReader: new RunsJsonItemReader({ bucket, key: sfn.JsonPath.stringAt('$.topicsKey') }, [runsObjects]),
      maxConcurrency: TOPIC_CONCURRENCY.aws,
      // One topic's failure leaves the others to finish; finish learns it from the results.
      toleratedFailurePercentage: 100,
      resultWriterV2: new PrefixResultWriter({ bucket, prefix: mapResultsPrefix }, [bucket.arnForObjects(`${mapResultsPrefix}/*`)]),
      // The map's output (its run's ARN and where it wrote the results) beside prepare's.
      resultPath: '$.map',
      label: mapLabel,
    });
    scoreTopics.itemProcessor(scoreTopic).addCatch(markFailed, onError);

    const finish = new tasks.LambdaInvoke(this, 'Finish', {
      stateName: names.finish,
      lambdaFunction: functions.finish,
      payloadResponseOnly: true,
      payload: sfn.TaskInput.fromObject({
        runId: sfn.JsonPath.stringAt('$.runId'),
        asOf: sfn.JsonPath.stringAt('$.asOf'),
        mode: sfn.JsonPath.stringAt('$.mode'),
        mapResults: sfn.JsonPath.objectAt('$.map.ResultWriterDetails'),
      }),
    }).addCatch(markFailed, onError);

    const skipped = new sfn.Choice(this, 'Skipped', { stateName: names.skipped })
      .when(sfn.Condition.booleanEquals('$.skipped', true), new sfn.Succeed(this, 'SkippedEnd', { stateName: names.skippedEnd }))
      .otherwise(scoreTopics.next(finish));
    prepareRequested.next(skipped);
    prepareScheduled.next(skipped);
    const trigger = new sfn.Choice(this, 'Trigger', { stateName: names.trigger })
      .when(sfn.Condition.and(sfn.Condition.isPresent('$.trigger'), sfn.Condition.stringEquals('$.trigger', 'api')), prepareRequested)
      .otherwise(prepareScheduled);

    // Vended-logs path: Step Functions' log delivery keeps the log group's resource policy small there.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-recompute`,
      retention: stageOf(this).logRetention,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'A Sway recompute run: prepare, score every topic (Distributed Map), finish; any failure marks the run failed',
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(trigger),
      timeout: recomputeTimeout,
      tracingEnabled: true,
      // Execution data (inputs, outputs) names accounts: the logs keep events, not data.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });

    // As CDK's grants name them: the state machine's name split from its ARN.
    const stateMachineName = Arn.split(this.stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName;
    this.executionArns = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      resourceName: `${stateMachineName}:*`,
    });
    this.acknowledgeFindings(props);

    // A run that dies outside the Catch (timeout, abort, a failing MarkRunFailed) is marked failed too.
    this.failedExecutionRule = new events.Rule(this, 'FailedExecutions', {
      description: 'Marks a Sway recompute run failed when its execution fails, times out or is aborted',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: [...endedWithoutFinishStatuses], stateMachineArn: [this.stateMachine.stateMachineArn] },
      },
      targets: [
        new targets.LambdaFunction(functions.failed, {
          event: events.RuleTargetInput.fromObject({
            runId: events.EventField.fromPath('$.detail.name'),
            error: events.EventField.fromPath('$.detail.status'),
          }),
        }),
      ],
    });
  }

  /** The wildcards of the state machine's role and of CDK's Distributed Map policy, each on its own. */
  private acknowledgeFindings({ functions, bucket }: RecomputeStateMachineProps): void {
    for (const [unit, fn] of Object.entries(functions)) {
      acknowledgeWildcardResource(
        this.stateMachine,
        `${nagName(this, fn.functionArn, fn)}:*`,
        `The state machine may invoke the ${unit} unit's function and its versions/aliases (ARN suffix :*), as LambdaInvoke grants both forms; it invokes no other function.`,
      );
    }
    const bucketArn = nagName(this, bucket.bucketArn, bucket);
    acknowledgeWildcardResource(
      this.stateMachine,
      `${bucketArn}/${objectStoreLayout.runs.prefix}*`,
      `The Distributed Map reads its items, the topic list prepare writes under ${objectStoreLayout.runs.prefix} (its key changes with every run): only objects under that prefix.`,
    );
    acknowledgeWildcardResource(
      this.stateMachine,
      `${bucketArn}/${mapResultsPrefix}/*`,
      `The Distributed Map writes its results under ${mapResultsPrefix}/ (a folder per map run, named by Step Functions): only objects under that prefix.`,
    );
    acknowledgeWildcardResource(
      this.stateMachine,
      '*',
      'X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets) and CloudWatch Logs log delivery (logs:CreateLogDelivery and the other delivery actions) support no resource-level permissions.',
    );
    const executions = nagName(this, this.executionArns);
    acknowledgeWildcardResource(
      this.stateMachine,
      executions,
      "A Distributed Map runs its items as child executions of its own state machine, which Step Functions must describe and stop (CDK's DistributedMapPolicy): the wildcard is the execution name, of this state machine only.",
    );
    acknowledgeWildcardResource(
      this.stateMachine,
      executions.replace(/:\*$/, `/${mapLabel}:*`),
      `Redriving the map run labelled ${mapLabel} (CDK's DistributedMapPolicy, states:RedriveExecution): the wildcard is the execution name, of this state machine's map runs only.`,
    );
  }
}
