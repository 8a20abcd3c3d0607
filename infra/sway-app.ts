import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SwayStatefulStack } from './stateful-stack';
import { SwayMonitoringStack } from './monitoring-stack';
import { SwayStatelessStack } from './stateless-stack';
import { stageOf } from './stage';
import { SwayWebStack } from './web-stack';

export interface SwayStacks {
  stateful: SwayStatefulStack;
  stateless: SwayStatelessStack;
  web: SwayWebStack;
  monitoring: SwayMonitoringStack;
}

/** Adds Sway's three stacks to `app`. */
export function buildSwayStacks(app: App): SwayStacks {
  const { stackPrefix } = stageOf(app);
  const stateful = new SwayStatefulStack(app, `${stackPrefix}Stateful`, {
    description: 'Sway state: DynamoDB table, object store (interaction log, recompute state), SQS queue with its dead-letter queue, webhook secrets, API keys',
  });
  const stateless = new SwayStatelessStack(app, `${stackPrefix}Stateless`, {
    description: 'Sway functions, HTTP API, recompute state machine and schedules',
    tables: stateful.tables,
    objectStore: stateful.objectStore,
    queues: stateful.queues,
    webhookSecrets: stateful.webhookSecrets,
    apiKeys: stateful.apiKeys,
    siteKey: stateful.siteKey,
    failedInvocations: stateful.failedInvocations,
  });
  const web = new SwayWebStack(app, `${stackPrefix}Web`, {
    description: 'Sway web pages: S3 bucket behind CloudFront, with the HTTP API under the same domain',
    api: stateless.api,
    siteKey: stateful.siteKey,
  });
  const monitoring = new SwayMonitoringStack(app, `${stackPrefix}Monitoring`, {
    description: 'Sway alarms (to an SNS topic, and an e-mail from context) and its CloudWatch dashboard',
    stateful,
    stateless,
  });
  return { stateful, stateless, web, monitoring };
}

/**
 * The deployable app: Sway's stacks plus the cdk-nag AWS Solutions checks, which run when the app
 * is synthesized and fail synthesis on any unacknowledged finding.
 */
export function buildSwayApp(app: App): SwayStacks {
  const stacks = buildSwayStacks(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stacks;
}
