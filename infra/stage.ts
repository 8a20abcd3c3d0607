import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

/** `-c swayStage=dev` deploys a development copy beside production; without it, production. */
export const stageContextKey = 'swayStage';

export interface Stage {
  name: 'dev' | 'prod';
  /** Prefix of the stacks' ids (`SwayStateful`, `SwayDevStateful`), the alarms and the dashboard. */
  stackPrefix: string;
  /** Prefix of the Secrets Manager names (`sway/api-keys`, `sway-dev/api-keys`): two stages share an account without sharing a secret. */
  secretPrefix: string;
  /** How long the functions', the API's and the state machine's logs are kept. */
  logRetention: RetentionDays;
  /** The table and the secrets: kept when their stack is deleted, or deleted with it. */
  removalPolicy: RemovalPolicy;
  /** The table refuses to be deleted. */
  deletionProtection: boolean;
}

export const stages: Record<Stage['name'], Stage> = {
  prod: {
    name: 'prod',
    stackPrefix: 'Sway',
    secretPrefix: 'sway',
    logRetention: RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
  },
  // A copy to try changes on: `cdk destroy` removes its table and secrets with it (the buckets are
  // kept, as CloudFormation cannot delete one that holds objects).
  dev: {
    name: 'dev',
    stackPrefix: 'SwayDev',
    secretPrefix: 'sway-dev',
    logRetention: RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
  },
};

/** The stage the app is synthesized for, from the context key above. */
export const stageOf = (scope: IConstruct): Stage => {
  const name: unknown = scope.node.tryGetContext(stageContextKey) ?? 'prod';
  if (name !== 'dev' && name !== 'prod') throw new Error(`-c ${stageContextKey} must be dev or prod, not ${JSON.stringify(name)}`);
  return stages[name];
};
