import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { alarmEmailContextKey, alarmThresholds } from '../../infra/monitoring-stack';
import { recomputeTimeout } from '../../infra/constructs/recompute-state-machine';
import { jetstreamUrlContextKey } from '../../infra/stateless-stack';
import { buildSwayStacks } from '../../infra/sway-app';
import { recomputeSchedule, awsQueues } from '../../lib/wiring/workers';
import { logicalIdOf, newTestApp, resourcesOfType, synthesisTimeoutMs, type TemplateResource } from './sway-app-fixture';

const synthesize = (context: Record<string, unknown> = {}) => {
  const app = newTestApp();
  for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
  const stacks = buildSwayStacks(app);
  return { ...stacks, template: Template.fromStack(stacks.monitoring) };
};

let sway: ReturnType<typeof synthesize>;
beforeAll(() => {
  sway = synthesize();
}, synthesisTimeoutMs);

const alarms = (): TemplateResource[] => Object.values(resourcesOfType(sway.template, 'AWS::CloudWatch::Alarm'));
const alarmNamed = (name: string): TemplateResource => {
  const found = alarms().filter((alarm) => alarm.Properties!.AlarmName === name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
};
/** The one metric an alarm watches, whether given directly or as its only metric stat. */
const metricOf = (alarm: TemplateResource): { MetricName: string; Namespace: string; Dimensions: unknown; Period: number; Stat: string } => {
  const properties = alarm.Properties!;
  if (properties.MetricName)
    return {
      MetricName: properties.MetricName,
      Namespace: properties.Namespace,
      Dimensions: properties.Dimensions,
      Period: properties.Period,
      Stat: properties.Statistic,
    };
  expect(properties.Metrics).toHaveLength(1);
  const { MetricStat } = properties.Metrics[0];
  return { ...MetricStat.Metric, Period: MetricStat.Period, Stat: MetricStat.Stat };
};
/** An import of a value the stateful or stateless stack exports, by the logical id it comes from. */
const importOf = (value: unknown, logicalId: string) => expect(JSON.stringify(value)).toContain(logicalId);

describe('monitoring stack', () => {
  it('notifies the alarm topic from every alarm', () => {
    const topicId = logicalIdOf(sway.monitoring.alarmTopic);
    expect(alarms().length).toBeGreaterThan(10);
    for (const alarm of alarms()) {
      expect(alarm.Properties!.AlarmActions, alarm.Properties!.AlarmName).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties!.ActionsEnabled).toBe(true);
    }
    sway.template.hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });
  });

  it.each(awsQueues())('alarms on dead letters in the $name queue, on its oldest message, and on a dead letter near the end of its retention', (definition) => {
    const deployed = sway.stateful.queues[definition.name as keyof typeof sway.stateful.queues];
    const dead = alarmNamed(`Sway-Queue-${definition.name}-DLQ-Queue-Message-Count-Max-Critical`);
    expect(dead.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(metricOf(dead).MetricName).toBe('ApproximateNumberOfMessagesVisible');
    importOf(metricOf(dead).Dimensions, logicalIdOf(deployed.deadLetterQueue));
    const age = alarmNamed(`Sway-Queue-${definition.name}-Queue-Message-Age-Max-Warning`);
    expect(age.Properties!.Threshold).toBe(alarmThresholds.queueOldestMessageSeconds);
    expect(metricOf(age).MetricName).toBe('ApproximateAgeOfOldestMessage');
    importOf(metricOf(age).Dimensions, logicalIdOf(deployed.queue));
    expect(alarmNamed(`Sway-Queue-${definition.name}-DLQ-Queue-Message-Age-Max-Critical`).Properties!.Threshold).toBeLessThan(14 * 24 * 3600);
  });

  it('alarms on any failed invocation kept (a schedule that could not start, a failed Bluesky consumer run)', () => {
    const alarm = alarmNamed('Sway-FailedInvocations-Queue-Message-Count-Max-Critical');
    expect(alarm.Properties!.Threshold).toBe(0);
    importOf(metricOf(alarm).Dimensions, logicalIdOf(sway.stateful.failedInvocations));
  });

  it('alarms on errors, throttles and a run near its timeout, for every function', () => {
    expect(sway.stateless.functions.size).toBeGreaterThan(10);
    for (const [name, swayFunction] of sway.stateless.functions) {
      for (const kind of ['Fault-Count-Critical', 'Throttled-Count-Warning']) {
        expect(alarmNamed(`Sway-Function-${name}-${kind}`).Properties!.Threshold, `${name} ${kind}`).toBe(0);
      }
      const timeoutMs = (swayFunction.function.timeout?.toSeconds() ?? 3) * 1000;
      const latency = alarmNamed(`Sway-Function-${name}-Latency-Maximum-Warning`);
      expect(latency.Properties!.Threshold, name).toBe(timeoutMs * alarmThresholds.durationShareOfTimeout);
      expect(metricOf(latency)).toMatchObject({ MetricName: 'Duration', Stat: 'Maximum' });
      importOf(metricOf(latency).Dimensions, logicalIdOf(swayFunction.function));
    }
  });

  it('alarms on a failed or timed-out recompute, one above 80% of its timeout, and none succeeding for three intervals', () => {
    const stateMachineId = logicalIdOf(sway.stateless.recompute.stateMachine);
    for (const name of ['Sway-Recompute-Failure-Count-Critical', 'Sway-Recompute-TimedOut-Count-Critical']) {
      expect(alarmNamed(name).Properties!.Threshold).toBe(0);
      importOf(metricOf(alarmNamed(name)).Dimensions, stateMachineId);
    }
    expect(alarmNamed('Sway-Recompute-Duration-P99-Warning').Properties!.Threshold).toBe(recomputeTimeout.toMilliseconds() * 0.8);
    const none = alarmNamed('Sway-RecomputeSucceeded-NoSucceededRecompute-Critical');
    expect(metricOf(none)).toMatchObject({
      MetricName: 'ExecutionsSucceeded',
      Stat: 'Sum',
      Period: alarmThresholds.intervalsWithoutRecompute * recomputeSchedule.rateMinutes * 60,
    });
    importOf(metricOf(none).Dimensions, stateMachineId);
    expect(none.Properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('alarms on any 5xx of the HTTP API', () => {
    const alarm = alarmNamed('Sway-HttpApi-Fault-Count-Critical');
    expect(alarm.Properties!.Threshold).toBe(0);
    expect(metricOf(alarm)).toMatchObject({ MetricName: '5xx', Namespace: 'AWS/ApiGateway', Stat: 'Sum' });
    importOf(metricOf(alarm).Dimensions, logicalIdOf(sway.stateless.api));
  });

  it('has one dashboard with ingest, queues, functions, the recompute, the API and the table', () => {
    const dashboards = Object.values(resourcesOfType(sway.template, 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]!.Properties!.DashboardBody);
    for (const metric of [
      'InteractionsAccepted',
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesVisible',
      'Errors',
      'RecomputeSeconds',
      'ExecutionTime',
      'ConsumedWriteCapacityUnits',
      'ConsumedReadCapacityUnits',
    ]) {
      expect(body, metric).toContain(metric);
    }
    expect(body).toMatch(/Latency/);
  });

  it(
    `e-mails the address of ${alarmEmailContextKey}, and no one without it; refuses what is not an address`,
    () => {
      sway.template.resourceCountIs('AWS::SNS::Subscription', 0);
      const withEmail = synthesize({ [alarmEmailContextKey]: 'ops@example.com' });
      withEmail.template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@example.com',
        TopicArn: { Ref: logicalIdOf(withEmail.monitoring.alarmTopic) },
      });
      expect(() => synthesize({ [alarmEmailContextKey]: 'ops' })).toThrow(/must be an e-mail address/);
    },
    synthesisTimeoutMs,
  );

  it(
    "alarms on the Bluesky consumer's lag only when it runs",
    () => {
      expect(alarms().some((alarm) => String(alarm.Properties!.AlarmName).includes('Jetstream'))).toBe(false);
      const on = synthesize({ [jetstreamUrlContextKey]: 'wss://jetstream2.us-east.bsky.network/subscribe' });
      const lag = Object.values(resourcesOfType(on.template, 'AWS::CloudWatch::Alarm')).find(
        (alarm) => alarm.Properties!.AlarmName === 'Sway-Jetstream-JetstreamLag-Warning',
      );
      expect(lag!.Properties!.Threshold).toBe(alarmThresholds.jetstreamLagSeconds);
      expect(metricOf(lag!)).toMatchObject({ MetricName: 'JetstreamLagSeconds', Namespace: 'Sway', Stat: 'Maximum' });
    },
    synthesisTimeoutMs,
  );
});
