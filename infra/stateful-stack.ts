import { Duration, SecretValue, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { SecretName } from '../lib/wiring/config';
import { secretEnvVars } from '../lib/wiring/secret-variables';
import { tables, type TableDefinition } from '../lib/adapters/dynamodb/tables';
import { awsQueues, type AwsQueueName, type QueueDefinition } from '../lib/wiring/workers';
import { ObjectStore } from './constructs/object-store';
import { stageOf, type Stage } from './stage';
import { pascalCase } from './naming';

export interface DeployedTable {
  definition: TableDefinition;
  table: dynamodb.Table;
}

export interface DeployedQueue {
  definition: QueueDefinition;
  queue: sqs.Queue;
  deadLetterQueue: sqs.Queue;
}

/** SQS's longest: a backlog the consumers cannot keep up with is kept two weeks, never dropped after the default four days. */
export const queueRetention = Duration.days(14);

/** The Secrets Manager names of a stage's secrets: `sway/api-keys`, `sway-dev/secrets/x`. */
export const secretNames = (stage: Pick<Stage, 'secretPrefix'>) => ({
  apiKeys: `${stage.secretPrefix}/api-keys`,
  siteKey: `${stage.secretPrefix}/site-key`,
  webhook: (name: SecretName): string => `${stage.secretPrefix}/secrets/${name}`,
});

/** The key in the webhook-secrets JSON that CloudFormation fills with a random value at creation. */
const generatedSecretKey: SecretName = 'generic';

/**
 * Everything that holds data and must outlive a redeploy of the functions: the DynamoDB tables,
 * the object store (interaction log and recompute state), the SQS queues AWS has with their
 * dead-letter queues, the webhook secrets and the lookups' API keys.
 */
export class SwayStatefulStack extends Stack {
  public readonly tables: DeployedTable[];
  /** The interaction log and the recompute's state and hand-overs (lib/app/log/layout.ts). */
  public readonly objectStore: s3.Bucket;
  public readonly objectStoreConstruct: ObjectStore;
  /** Only the queues that are not local-only (lib/wiring/workers.ts). */
  public readonly queues: Record<AwsQueueName, DeployedQueue>;
  /** Each webhook secret, by name (lib/wiring/config.ts). */
  public readonly webhookSecrets: Record<SecretName, secretsmanager.Secret>;
  public readonly apiKeys: secretsmanager.Secret;
  /** The key CloudFront adds to the pages' API requests, so they keep working when lookups need keys. */
  public readonly siteKey: secretsmanager.Secret;
  /** A schedule's invocation that could not be made (the recompute, the Bluesky consumer), and a Bluesky consumer run that failed. */
  public readonly failedInvocations: sqs.Queue;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.tables = Object.values(tables as Record<string, TableDefinition>).map((definition) => ({ definition, table: this.createTable(definition) }));

    this.objectStoreConstruct = new ObjectStore(this, 'ObjectStore');
    this.objectStore = this.objectStoreConstruct.bucket;

    this.queues = Object.fromEntries(awsQueues().map((definition) => [definition.name, this.createQueue(definition)])) as Record<AwsQueueName, DeployedQueue>;

    this.failedInvocations = new sqs.Queue(this, 'FailedInvocationsQueue', {
      retentionPeriod: queueRetention,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.failedInvocations).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself where failed invocations are kept (the schedules' dead-letter queue, the Bluesky consumer's failure destination); nothing consumes it.",
    });

    this.webhookSecrets = this.createWebhookSecrets();
    this.apiKeys = this.createApiKeys();
    // A secret of its own, generated: adding a generated field to the API keys' secret would make CloudFormation replace the operator's keys.
    this.siteKey = this.operatorRotatedSecret(
      'SiteKey',
      {
        secretName: secretNames(stageOf(this)).siteKey,
        description:
          'The x-api-key CloudFront adds to the Sway web pages\' API requests, as JSON {"current", "previous"}; generated. The lookup functions accept either; CloudFront sends current, read when its distribution is updated.',
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ previous: '' }),
          generateStringKey: 'current',
          passwordLength: 40,
          excludePunctuation: true,
        },
      },
      'CloudFront reads the site key when SwayWeb deploys, which a rotation Lambda does not redeploy; the operator rotates it by setting a new value and deploying SwayWeb (docs/OPERATIONS.md).',
    );
  }

  private createTable(definition: TableDefinition): dynamodb.Table {
    const table = new dynamodb.Table(this, definition.id, {
      partitionKey: { name: definition.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: definition.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: definition.timeToLiveAttribute,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: stageOf(this).deletionProtection,
      removalPolicy: stageOf(this).removalPolicy,
    });
    for (const index of definition.globalSecondaryIndexes ?? []) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        ...(index.sortKey ? { sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING } } : {}),
        projectionType: index.projection === 'ALL' ? dynamodb.ProjectionType.ALL : dynamodb.ProjectionType.KEYS_ONLY,
      });
    }
    return table;
  }

  private createQueue(definition: QueueDefinition): DeployedQueue {
    const baseId = pascalCase(definition.name);
    const deadLetterQueue = new sqs.Queue(this, `${baseId}DeadLetterQueue`, {
      retentionPeriod: queueRetention,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is the dead-letter queue of the ${definition.name} queue; a DLQ of a DLQ would only hide failures.`,
    });
    const queue = new sqs.Queue(this, `${baseId}Queue`, {
      retentionPeriod: queueRetention,
      visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: definition.maxReceiveCount },
    });
    return { definition, queue, deadLetterQueue };
  }

  /**
   * One secret per webhook secret name, `{"current", "previous"}`: a provider's secret is rotated by
   * moving the current value to `previous`, setting the new one, then emptying `previous` once the
   * provider signs with the new one (docs/OPERATIONS.md). The generic one is generated.
   */
  private createWebhookSecrets(): Record<SecretName, secretsmanager.Secret> {
    return Object.fromEntries(
      (Object.keys(secretEnvVars) as SecretName[]).map((name) => [
        name,
        this.operatorRotatedSecret(
          `${pascalCase(name)}Secret`,
          {
            secretName: secretNames(stageOf(this)).webhook(name),
            description:
              name === generatedSecretKey
                ? 'Sway: the secret that signs POST /v1/interactions batches, generated, as JSON {"current", "previous"}.'
                : `Sway: the ${name} webhook secret as JSON {"current", "previous"}; empty current = not configured.`,
            ...(name === generatedSecretKey
              ? {
                  generateSecretString: {
                    secretStringTemplate: JSON.stringify({ previous: '' }),
                    generateStringKey: 'current',
                    passwordLength: 64,
                    excludePunctuation: true,
                  },
                }
              : { secretObjectValue: { current: SecretValue.unsafePlainText(''), previous: SecretValue.unsafePlainText('') } }),
          },
          'Webhook secrets are shared with third-party networks (X, Meta, Slack, GitHub, ...) that a rotation Lambda cannot update; the operator rotates each with its network, the previous value accepted meanwhile.',
        ),
      ]),
    ) as Record<SecretName, secretsmanager.Secret>;
  }

  /** The lookups' API keys, a comma list the operator fills in; empty = lookups open (as SWAY_API_KEYS locally). */
  private createApiKeys(): secretsmanager.Secret {
    return this.operatorRotatedSecret(
      'ApiKeys',
      {
        secretName: secretNames(stageOf(this)).apiKeys,
        description: 'Sway lookup API keys as JSON {"keys": "k1,k2"}; empty = lookups open. Read by the lookup functions, cached 5 minutes.',
        // Not a secret: the empty list the operator replaces.
        secretObjectValue: { keys: SecretValue.unsafePlainText('') },
      },
      'API keys are handed to API clients, which a rotation Lambda cannot update; the operator rotates a key by adding the new one, moving the client over and removing the old one.',
    );
  }

  /** A retained secret whose values the operator sets and rotates by hand (cdk-nag's rotation finding acknowledged with `why`). */
  private operatorRotatedSecret(id: string, props: secretsmanager.SecretProps, why: string): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, id, { ...props, removalPolicy: stageOf(this).removalPolicy });
    Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: why });
    return secret;
  }
}
