/**
 * The recompute in AWS: a Step Functions state machine over the units of lib/app/recompute/units.ts
 * (prepare → a Distributed Map of topic workers → finish; any failure → failed), its logging and
 * tracing, the rule marking dead executions failed, and what its role may do.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { objectStoreLayout } from '../../lib/app/log/layout';
import { FailedInputSchema, FinishInputSchema, PrepareInputSchema, recomputeUnits, TOPIC_CONCURRENCY } from '../../lib/app/recompute/units';
import { endedWithoutFinishStatuses, mapResultsPrefix, recomputeStateNames as names, recomputeTimeout } from '../../infra/constructs/recompute-state-machine';
import {
  logicalIdOf,
  resourceById,
  resourcesOfType,
  statementsOfRole,
  synthesisTimeoutMs,
  synthesizeSway,
  type SwayFixture,
  type TemplateResource,
} from './sway-app-fixture';

let sway: SwayFixture;
beforeAll(() => {
  sway = synthesizeSway();
}, synthesisTimeoutMs);

type State = Record<string, any>;
interface Definition {
  StartAt: string;
  States: Record<string, State>;
  TimeoutSeconds?: number;
}

/** A reference in the definition, as a readable marker: `<LogicalId.Arn>`, `<LogicalId>`, `<import:Name>`, `<AWS::Partition>`. */
const marker = (token: Record<string, any>): string => {
  if (token['Fn::GetAtt']) return `<${token['Fn::GetAtt'][0]}.${token['Fn::GetAtt'][1]}>`;
  if (token['Fn::ImportValue']) return `<import:${token['Fn::ImportValue']}>`;
  if (token.Ref) return `<${token.Ref}>`;
  throw new Error(`unexpected token in the definition: ${JSON.stringify(token)}`);
};

const stateMachineResource = (): TemplateResource => resourceById(sway.statelessTemplate, logicalIdOf(sway.stateless.recompute.stateMachine));

/** The state machine's DefinitionString, parsed, with references as markers. */
const definition = (): Definition => {
  const body = stateMachineResource().Properties!.DefinitionString as string | { 'Fn::Join': [string, (string | Record<string, any>)[]] };
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : marker(part))).join('');
  return JSON.parse(text) as Definition;
};
const state = (name: string): State => {
  const found = definition().States[name];
  if (!found) throw new Error(`no state ${name}`);
  return found;
};
const functionArn = (unit: keyof typeof recomputeUnits): string => `<${logicalIdOf(sway.stateless.functionNamed(recomputeUnits[unit]).function)}.Arn>`;
const bucketMarker = (): RegExp => new RegExp(`^<import:SwayStateful:ExportsOutputRef${logicalIdOf(sway.stateful.objectStore)}`);
const catchesIntoFailed = (name: string): void => {
  expect(state(name).Catch, name).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: names.failed }]);
};

describe('recompute state machine: definition', () => {
  it('is one standard state machine, ended after a timeout', () => {
    sway.statelessTemplate.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    expect(stateMachineResource().Properties!.StateMachineType).toBe('STANDARD');
    expect(definition().TimeoutSeconds).toBe(recomputeTimeout.toSeconds());
    expect(recomputeTimeout.toHours()).toBe(2);
  });

  it('starts by telling API-requested runs from scheduled ones', () => {
    const { StartAt } = definition();
    expect(StartAt).toBe(names.trigger);
    expect(state(names.trigger)).toEqual({
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.trigger', IsPresent: true },
            { Variable: '$.trigger', StringEquals: 'api' },
          ],
          Next: names.prepareRequested,
        },
      ],
      Default: names.prepareScheduled,
    });
  });

  it.each([names.prepareRequested, names.prepareScheduled])(
    '%s invokes recompute-prepare with the run id (the execution name) and the trigger, then the skip choice',
    (name) => {
      const prepare = state(name);
      expect(prepare).toMatchObject({
        Type: 'Task',
        Resource: functionArn('prepare'),
        Parameters: { 'runId.$': '$$.Execution.Name', 'trigger.$': '$.trigger' },
        Next: names.skipped,
      });
      // What the state passes is what prepare's schema takes.
      expect(PrepareInputSchema.parse({ runId: 'a1b2c3d4-0000-4000-8000-000000000000', trigger: 'api' }).trigger).toBe('api');
      catchesIntoFailed(name);
    },
  );

  it('retries an API-requested run while another run holds the lock (RunInProgressError: 30 s, backoff 2, 8 times), a scheduled one never', () => {
    const retries = (name: string) => (state(name).Retry as { ErrorEquals: string[] }[]).filter((retry) => retry.ErrorEquals.includes('RunInProgressError'));
    expect(retries(names.prepareRequested)).toEqual([
      { ErrorEquals: ['RunInProgressError'], IntervalSeconds: 30, BackoffRate: 2, MaxAttempts: 8, MaxDelaySeconds: 600 },
    ]);
    expect(retries(names.prepareScheduled)).toEqual([]);
    // The capped waits fit in the run's timeout: 30 + 60 + … + 480, then 600 s thrice.
    const waits = Array.from({ length: 8 }, (_, attempt) => Math.min(30 * 2 ** attempt, 600));
    expect(waits.reduce((sum, wait) => sum + wait, 0)).toBeLessThan(recomputeTimeout.toSeconds());
  });

  it('ends successfully when prepare skipped the run, and scores the topics otherwise', () => {
    expect(state(names.skipped)).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.skipped', BooleanEquals: true, Next: names.skippedEnd }],
      Default: names.map,
    });
    expect(state(names.skippedEnd)).toEqual({ Type: 'Succeed' });
  });

  it("maps over prepare's topic list in the object store (Distributed Map, S3 JSON array at topicsKey)", () => {
    const map = state(names.map);
    expect(map.Type).toBe('Map');
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    expect(map.ItemReader).toMatchObject({
      Resource: 'arn:<AWS::Partition>:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSON' },
      Parameters: { 'Key.$': '$.topicsKey' },
    });
    expect(map.ItemReader.Parameters.Bucket).toMatch(bucketMarker());
    expect(map.ItemsPath).toBeUndefined();
  });

  it(`runs ${TOPIC_CONCURRENCY.aws} topics at once, tolerates any topic failing, and writes the results under runs/`, () => {
    const map = state(names.map);
    expect(map.MaxConcurrency).toBe(TOPIC_CONCURRENCY.aws);
    expect(map.ToleratedFailurePercentage).toBe(100);
    expect(map.ResultWriter).toMatchObject({ Resource: 'arn:<AWS::Partition>:states:::s3:putObject', Parameters: { Prefix: mapResultsPrefix } });
    expect(map.ResultWriter.Parameters.Bucket).toMatch(bucketMarker());
    expect(mapResultsPrefix.startsWith(objectStoreLayout.runs.prefix)).toBe(true);
    // The map's output (where it wrote the results) goes on beside prepare's, to finish.
    expect(map.ResultPath).toBe('$.map');
    expect(map.Next).toBe(names.finish);
    catchesIntoFailed(names.map);
  });

  it('runs recompute-topic on each item, retried twice with backoff on Lambda service errors and on any error', () => {
    const processor = state(names.map).ItemProcessor as Definition;
    expect(processor.StartAt).toBe(names.topic);
    expect(Object.keys(processor.States)).toEqual([names.topic]);
    const topic = processor.States[names.topic]!;
    expect(topic).toMatchObject({ Type: 'Task', Resource: functionArn('topic'), End: true });
    // The item (a TopicTask) is the payload as it is.
    expect(topic.Parameters).toBeUndefined();
    const retries = topic.Retry as { ErrorEquals: string[]; MaxAttempts: number; BackoffRate: number }[];
    expect(retries).toHaveLength(2);
    expect(retries[0]!.ErrorEquals).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException']));
    expect(retries[1]!.ErrorEquals).toEqual(['States.ALL']);
    for (const retry of retries) expect(retry).toMatchObject({ MaxAttempts: 2, BackoffRate: 2 });
    expect(topic.Catch).toBeUndefined();
  });

  it("hands finish the run and the map's result details (mapResults), then ends", () => {
    const finish = state(names.finish);
    expect(finish).toMatchObject({
      Type: 'Task',
      Resource: functionArn('finish'),
      Parameters: { 'runId.$': '$.runId', 'asOf.$': '$.asOf', 'mode.$': '$.mode', 'mapResults.$': '$.map.ResultWriterDetails' },
      End: true,
    });
    catchesIntoFailed(names.finish);
    const input = { runId: 'r1', asOf: '2025-06-01T00:00:00.000Z', mode: 'incremental' } as const;
    const mapResults = { Bucket: 'sway-object-store', Key: `${mapResultsPrefix}/0f6e0c6a/manifest.json` };
    expect(FinishInputSchema.parse({ ...input, mapResults }).mapResults).toEqual(mapResults);
    expect(FinishInputSchema.parse(input).mapResults).toBeUndefined();
  });

  it('marks the run failed on any error of prepare, the map or finish, then fails the execution with that error', () => {
    expect(state(names.failed)).toMatchObject({
      Type: 'Task',
      Resource: functionArn('failed'),
      Parameters: { 'runId.$': '$$.Execution.Name', 'error.$': '$.error.Error' },
      ResultPath: null,
      Next: names.fail,
    });
    expect(state(names.fail)).toEqual({ Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' });
    expect(FailedInputSchema.parse({ runId: 'r1', error: 'RunInProgressError' }).error).toBe('RunInProgressError');
    const catching = Object.entries(definition().States)
      .filter(([, candidate]) => candidate.Catch)
      .map(([name]) => name)
      .sort();
    expect(catching).toEqual([names.prepareRequested, names.prepareScheduled, names.map, names.finish].sort());
  });

  it('invokes only the four unit functions, each directly (payload is the response)', () => {
    const resources = new Set<string>();
    const visit = (states: Record<string, State>) => {
      for (const candidate of Object.values(states)) {
        if (candidate.Type === 'Task') resources.add(candidate.Resource);
        if (candidate.ItemProcessor) visit(candidate.ItemProcessor.States);
      }
    };
    visit(definition().States);
    expect([...resources].sort()).toEqual((['prepare', 'topic', 'finish', 'failed'] as const).map(functionArn).sort());
  });
});

describe('recompute state machine: logging and tracing', () => {
  it('logs every event to its own log group, without execution data (it names accounts)', () => {
    const logging = stateMachineResource().Properties!.LoggingConfiguration;
    expect(logging).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    expect(logging.Destinations).toEqual([
      { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logicalIdOf(sway.stateless.recompute.logGroup), 'Arn'] } } },
    ]);
    const logGroup = resourceById(sway.statelessTemplate, logicalIdOf(sway.stateless.recompute.logGroup));
    expect(logGroup.Properties!.RetentionInDays).toBe(90);
    expect(logGroup.Properties!.LogGroupName).toMatch(/^\/aws\/vendedlogs\/states\//);
  });

  it('traces executions with X-Ray', () => {
    expect(stateMachineResource().Properties!.TracingConfiguration).toEqual({ Enabled: true });
  });
});

describe('recompute state machine: executions that die', () => {
  const rules = () => Object.entries(resourcesOfType(sway.statelessTemplate, 'AWS::Events::Rule'));

  it(`sends the status changes of this state machine's executions to ${endedWithoutFinishStatuses.join(', ')} to recompute-failed`, () => {
    expect(rules()).toHaveLength(1);
    const [ruleId, rule] = rules()[0]!;
    expect(ruleId).toBe(logicalIdOf(sway.stateless.recompute.failedExecutionRule));
    expect(rule.Properties!.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: logicalIdOf(sway.stateless.recompute.stateMachine) }] },
    });
    const targets = rule.Properties!.Targets as Record<string, any>[];
    expect(targets).toHaveLength(1);
    expect(targets[0]!.Arn).toEqual({ 'Fn::GetAtt': [logicalIdOf(sway.stateless.functionNamed(recomputeUnits.failed).function), 'Arn'] });
  });

  it('hands recompute-failed the run id (the execution name) and the status as the error', () => {
    const [, rule] = rules()[0]!;
    const transformer = (rule.Properties!.Targets as Record<string, any>[])[0]!.InputTransformer;
    const paths = transformer.InputPathsMap as Record<string, string>;
    const template = (transformer.InputTemplate as string).replace(/<([\w-]+)>/g, (_, key: string) => JSON.stringify(`from ${paths[key]}`));
    expect(JSON.parse(template)).toEqual({ runId: 'from $.detail.name', error: 'from $.detail.status' });
    for (const status of endedWithoutFinishStatuses) expect(FailedInputSchema.parse({ runId: 'r1', error: status }).error).toBe(status);
  });

  it('lets EventBridge invoke recompute-failed for this rule only', () => {
    const failedId = logicalIdOf(sway.stateless.functionNamed(recomputeUnits.failed).function);
    const permissions = Object.values(resourcesOfType(sway.statelessTemplate, 'AWS::Lambda::Permission')).filter(
      (permission) => permission.Properties!.Principal === 'events.amazonaws.com',
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0]!.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [failedId, 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [logicalIdOf(sway.stateless.recompute.failedExecutionRule), 'Arn'] },
    });
  });
});

describe("recompute state machine: its role's permissions", () => {
  const roleId = () => logicalIdOf(sway.stateless.recompute.stateMachine.role);
  const statements = () => statementsOfRole(sway.statelessTemplate, roleId());

  it('invokes only the four unit functions (and their versions)', () => {
    const invoked = statements()
      .filter((statement) => statement.Action.includes('lambda:InvokeFunction'))
      .flatMap((statement) => {
        expect(statement.Action).toEqual(['lambda:InvokeFunction']);
        return statement.Resource.map((resource) => JSON.stringify(resource));
      });
    const expected = Object.values(recomputeUnits).flatMap((name) => {
      const id = logicalIdOf(sway.stateless.functionNamed(name).function);
      return [JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }), JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, ':*']] })];
    });
    expect(invoked.sort()).toEqual(expected.sort());
  });

  it("reads the map's items under runs/ and writes its results under their prefix, nothing else of the bucket", () => {
    const bucketId = logicalIdOf(sway.stateful.objectStore);
    const s3 = statements()
      .filter((statement) => statement.Action.some((action) => action.startsWith('s3:')))
      .map((statement) => {
        expect(statement.Resource).toHaveLength(1);
        const rendered = JSON.stringify(statement.Resource[0]);
        expect(rendered).toContain(bucketId);
        return { actions: statement.Action.slice().sort(), prefix: /"\/([^"]*)"\]\]\}$/.exec(rendered)?.[1] };
      });
    expect(s3).toEqual(
      expect.arrayContaining([
        { actions: ['s3:GetObject'], prefix: `${objectStoreLayout.runs.prefix}*` },
        { actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'], prefix: `${mapResultsPrefix}/*` },
      ]),
    );
    expect(s3).toHaveLength(2);
  });

  it('has nothing else but log delivery, X-Ray, and managing its own map runs', () => {
    const stateMachineId = logicalIdOf(sway.stateless.recompute.stateMachine);
    for (const statement of statements()) {
      const kinds = new Set(statement.Action.map((action) => action.split(':')[0]));
      expect(kinds.size, JSON.stringify(statement.Action)).toBe(1);
      const [kind] = [...kinds];
      expect(['lambda', 's3', 'logs', 'xray', 'states'], kind).toContain(kind);
      if (kind === 'logs' || kind === 'xray') expect(statement.Resource).toEqual(['*']);
      if (kind === 'states') {
        // The Distributed Map's child executions: this state machine's only.
        for (const resource of statement.Resource) expect(JSON.stringify(resource)).toContain(stateMachineId);
      }
    }
  });
});
