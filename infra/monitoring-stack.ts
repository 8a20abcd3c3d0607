import { CfnOutput, CrossStackReferences, Duration, ReferenceStrength, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { DefaultDashboardFactory, MonitoringFacade, notifySns } from 'cdk-monitoring-constructs';
import type { Construct } from 'constructs';
import { jetstreamSchedule, recomputeSchedule } from '../lib/wiring/workers';
import { recomputeTimeout } from './constructs/recompute-state-machine';
import { stageOf } from './stage';
import type { DeployedQueue, SwayStatefulStack } from './stateful-stack';
import type { SwayStatelessStack } from './stateless-stack';

/** `-c swayAlarmEmail=ops@example.com`: who the alarms write to (confirmed once by e-mail). */
export const alarmEmailContextKey = 'swayAlarmEmail';

/**
 * The thresholds, each the point where an operator must look (docs/OPERATIONS.md has the runbook
 * entry of each alarm). Queue ages leave room before the 14-day retention; a run's duration is
 * measured against its timeout.
 */
export const alarmThresholds = {
  /** The interactions queue: a message waits this long only when the consumer cannot keep up or keeps failing. */
  queueOldestMessageSeconds: 15 * 60,
  /** A dead letter this old is about to be lost: SQS keeps it 14 days. */
  deadLetterOldestMessageSeconds: 7 * 24 * 3600,
  /** Share of a function's or the state machine's timeout a run may take before it alarms. */
  durationShareOfTimeout: 0.8,
  /** Scheduled intervals without a succeeded recompute. */
  intervalsWithoutRecompute: 3,
  /** The Bluesky consumer's distance behind the stream; Jetstream replays about a day. */
  jetstreamLagSeconds: 10 * 60,
} as const;

export interface SwayMonitoringStackProps extends StackProps {
  stateful: SwayStatefulStack;
  stateless: SwayStatelessStack;
}

/** Custom metrics the functions publish through Powertools (namespace and service of infra/constructs/sway-function.ts). */
const swayMetric = (metricName: string, statistic: string, period = Duration.minutes(5)): Metric =>
  new Metric({ namespace: 'Sway', metricName, dimensionsMap: { service: 'sway' }, statistic, period });

/**
 * Alarms and one dashboard over the deployment, built with cdk-monitoring-constructs: each alarm
 * notifies the alarm topic (and the e-mail of the context key above).
 */
export class SwayMonitoringStack extends Stack {
  public readonly alarmTopic: sns.Topic;
  public readonly monitoring: MonitoringFacade;

  constructor(scope: Construct, id: string, props: SwayMonitoringStackProps) {
    super(scope, id, props);
    // What the alarms watch cannot go while they watch it.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { stateful, stateless } = props;
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Sway alarms', enforceSSL: true });
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and metric values, no personal data; CloudWatch cannot publish to a topic under the AWS managed SNS key, and a customer key would protect nothing here.',
    });
    const email: unknown = this.node.tryGetContext(alarmEmailContextKey);
    if (email !== undefined && email !== '') {
      if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
        throw new Error(`-c ${alarmEmailContextKey} must be an e-mail address, not ${JSON.stringify(email)}`);
      this.alarmTopic.addSubscription(new EmailSubscription(email));
    }
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn, description: 'Sway alarms: subscribe a pager or chat here' });

    this.monitoring = new MonitoringFacade(this, 'Monitoring', {
      alarmFactoryDefaults: { alarmNamePrefix: stageOf(this).stackPrefix, actionsEnabled: true, action: notifySns(this.alarmTopic), datapointsToAlarm: 1 },
      metricFactoryDefaults: {},
      dashboardFactory: new DefaultDashboardFactory(this, 'Dashboards', {
        dashboardNamePrefix: stageOf(this).stackPrefix,
        createDashboard: true,
        createSummaryDashboard: false,
        createAlarmDashboard: false,
      }),
    });
    const share = alarmThresholds.durationShareOfTimeout;

    this.monitoring
      .addLargeHeader('Sway')
      .monitorCustom({
        alarmFriendlyName: 'Ingest',
        humanReadableName: 'Ingest and cost drivers',
        metricGroups: [
          {
            title: 'Interactions accepted and duplicate (per 5 min)',
            metrics: [swayMetric('InteractionsAccepted', 'Sum'), swayMetric('InteractionsDuplicate', 'Sum')],
          },
          {
            title: 'Recompute: seconds a run took, accounts scored',
            metrics: [swayMetric('RecomputeSeconds', 'Maximum'), swayMetric('ScoredAccounts', 'Maximum')],
          },
          {
            title: 'Recompute: topics and changed accounts per run',
            metrics: [swayMetric('RecomputeTopics', 'Maximum'), swayMetric('ChangedAccounts', 'Sum')],
          },
        ],
      })
      .monitorApiGatewayV2HttpApi({
        api: stateless.api,
        alarmFriendlyName: 'HttpApi',
        humanReadableName: 'HTTP API (lookups, ingestion, webhooks, admin)',
        add5xxCountAlarm: { Critical: { maxErrorCount: 0 } },
      });

    for (const { definition, queue, deadLetterQueue } of Object.values<DeployedQueue>(stateful.queues)) {
      this.monitoring.monitorSqsQueueWithDlq({
        queue,
        deadLetterQueue,
        alarmFriendlyName: `Queue-${definition.name}`,
        humanReadableName: `Queue ${definition.name}`,
        addQueueMaxMessageAgeAlarm: { Warning: { maxAgeInSeconds: alarmThresholds.queueOldestMessageSeconds } },
        addDeadLetterQueueMaxSizeAlarm: { Critical: { maxMessageCount: 0 } },
        addDeadLetterQueueMaxMessageAgeAlarm: { Critical: { maxAgeInSeconds: alarmThresholds.deadLetterOldestMessageSeconds } },
      });
    }
    this.monitoring.monitorSqsQueue({
      queue: stateful.failedInvocations,
      alarmFriendlyName: 'FailedInvocations',
      humanReadableName: 'Failed invocations (schedules, Bluesky consumer)',
      addQueueMaxSizeAlarm: { Critical: { maxMessageCount: 0 } },
      addQueueMaxMessageAgeAlarm: { Critical: { maxAgeInSeconds: alarmThresholds.deadLetterOldestMessageSeconds } },
    });

    const stateMachine = stateless.recompute.stateMachine;
    const noRecomputePeriod = Duration.minutes(alarmThresholds.intervalsWithoutRecompute * recomputeSchedule.rateMinutes);
    this.monitoring
      .monitorStepFunction({
        stateMachine,
        alarmFriendlyName: 'Recompute',
        humanReadableName: 'Recompute state machine',
        addFailedExecutionCountAlarm: { Critical: { maxErrorCount: 0 } },
        addTimedOutExecutionCountAlarm: { Critical: { maxErrorCount: 0 } },
        addDurationP99Alarm: { Warning: { maxDuration: Duration.seconds(Math.round(recomputeTimeout.toSeconds() * share)) } },
      })
      .monitorCustom({
        alarmFriendlyName: 'RecomputeSucceeded',
        humanReadableName: 'Succeeded recomputes',
        metricGroups: [
          {
            title: `Succeeded runs per ${noRecomputePeriod.toMinutes()} minutes`,
            metrics: [
              {
                metric: stateMachine.metricSucceeded({ period: noRecomputePeriod, statistic: 'Sum' }),
                alarmFriendlyName: 'NoSucceededRecompute',
                addAlarm: {
                  Critical: {
                    threshold: 1,
                    comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
                    // No execution at all is the worst case of it.
                    treatMissingDataOverride: TreatMissingData.BREACHING,
                    additionalDescription: `No recompute succeeded in ${alarmThresholds.intervalsWithoutRecompute} scheduled intervals.`,
                  },
                },
              },
            ],
          },
        ],
      });

    for (const [name, swayFunction] of stateless.functions) {
      this.monitoring.monitorLambdaFunction({
        lambdaFunction: swayFunction.function,
        alarmFriendlyName: `Function-${name}`,
        humanReadableName: `Function ${name}`,
        addFaultCountAlarm: { Critical: { maxErrorCount: 0 } },
        addThrottlesCountAlarm: { Warning: { maxErrorCount: 0 } },
        addMaxLatencyAlarm: { Warning: { maxLatencyPercentageOfTimeout: share * 100 } },
      });
    }

    if (stateless.jetstreamSchedule) {
      this.monitoring.monitorCustom({
        alarmFriendlyName: 'Jetstream',
        humanReadableName: `Bluesky consumer (${jetstreamSchedule.target})`,
        metricGroups: [
          {
            title: 'Seconds behind the stream at the end of a run',
            metrics: [
              {
                metric: swayMetric('JetstreamLagSeconds', 'Maximum'),
                alarmFriendlyName: 'JetstreamLag',
                addAlarm: {
                  Warning: {
                    threshold: alarmThresholds.jetstreamLagSeconds,
                    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
                    additionalDescription: 'The Bluesky consumer is falling behind the stream.',
                  },
                },
              },
            ],
          },
          { title: 'Events read, interactions accepted', metrics: [swayMetric('JetstreamEvents', 'Sum'), swayMetric('JetstreamMalformed', 'Sum')] },
        ],
      });
    }

    for (const { definition, table } of stateful.tables) {
      this.monitoring.monitorDynamoTable({
        table,
        alarmFriendlyName: `Table-${definition.id}`,
        humanReadableName: `Table ${definition.id} (read and write units: the cost drivers)`,
      });
    }
  }
}
