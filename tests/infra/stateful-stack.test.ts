import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SecretName } from '../../lib/wiring/config';
import { secretEnvVars } from '../../lib/wiring/secret-variables';
import { tables, type TableDefinition } from '../../lib/adapters/dynamodb/tables';
import { objectStoreLayout } from '../../lib/app/log/layout';
import { awsQueues, queues, type AwsQueueName, type QueueDefinition } from '../../lib/wiring/workers';
import { incompleteUploadDays, objectStoreAccessLogDays } from '../../infra/constructs/object-store';
import { secretNames, type DeployedQueue } from '../../infra/stateful-stack';
import { stages } from '../../infra/stage';
import { logicalIdOf, resourceById, synthesizeSway, synthesisTimeoutMs, type SwayFixture } from './sway-app-fixture';

const deployedTableDefinitions = Object.values(tables) as TableDefinition[];

let sway: SwayFixture;
beforeAll(() => {
  sway = synthesizeSway();
}, synthesisTimeoutMs);

describe('stateful stack: tables', () => {
  it('creates one DynamoDB table per table definition', () => {
    sway.statefulTemplate.resourceCountIs('AWS::DynamoDB::Table', deployedTableDefinitions.length);
    expect(sway.stateful.tables.map(({ definition }) => definition.id).sort()).toEqual(deployedTableDefinitions.map((definition) => definition.id).sort());
  });

  it.each(deployedTableDefinitions)('table $id: keys, on-demand billing, PITR, TTL, encryption, retained', (definition) => {
    const deployed = sway.stateful.tables.find((table) => table.definition === definition)!;
    const table = resourceById(sway.statefulTemplate, logicalIdOf(deployed.table));
    expect(table.Type).toBe('AWS::DynamoDB::Table');
    expect(table.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: definition.partitionKey, KeyType: 'HASH' },
        { AttributeName: definition.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: expect.arrayContaining([
        { AttributeName: definition.partitionKey, AttributeType: 'S' },
        { AttributeName: definition.sortKey, AttributeType: 'S' },
      ]),
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: true,
    });
    expect(table.Properties!.SSESpecification.KMSMasterKeyId).toBeUndefined();
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    if (definition.timeToLiveAttribute) {
      expect(table.Properties!.TimeToLiveSpecification).toEqual({ AttributeName: definition.timeToLiveAttribute, Enabled: true });
    } else {
      expect(table.Properties!.TimeToLiveSpecification).toBeUndefined();
    }
  });

  it('gives the main table the TTL attribute expiresAt and the keys pk/sk', () => {
    sway.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('gives the main table the same global secondary indexes as the local runtime creates', () => {
    sway.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: tables.main.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [{ AttributeName: index.partitionKey, KeyType: 'HASH' }],
        Projection: { ProjectionType: index.projection },
      })),
    });
  });
});

describe('stateful stack: queues', () => {
  it('creates a queue and a dead-letter queue per queue definition that is not local-only: only the interactions queue', () => {
    // and the queue of failed invocations (the schedules' dead letters, the Bluesky consumer's failures)
    sway.statefulTemplate.resourceCountIs('AWS::SQS::Queue', 2 * awsQueues().length + 1);
    expect(awsQueues().map((queue) => queue.name)).toEqual([queues.interactions.name]);
    expect(Object.keys(sway.stateful.queues)).toEqual([queues.interactions.name]);
  });

  it('has no recompute-requests queue in AWS: the recompute is a state machine there, the queue feeds only the local orchestrator', () => {
    expect((queues.recomputeRequests as QueueDefinition).localOnly).toBe(true);
    expect(Object.keys(sway.stateful.queues)).not.toContain(queues.recomputeRequests.name);
    expect(sway.stateful.node.findAll().map((construct) => construct.node.id)).not.toContain('RecomputeRequestsQueue');
  });

  it.each(awsQueues())('queue $name redrives to its own DLQ after maxReceiveCount deliveries', (definition) => {
    const deployed = sway.stateful.queues[definition.name as AwsQueueName];
    const queue = resourceById(sway.statefulTemplate, logicalIdOf(deployed.queue));
    const deadLetterQueueId = logicalIdOf(deployed.deadLetterQueue);
    expect(queue.Properties).toMatchObject({
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterQueueId, 'Arn'] },
        maxReceiveCount: definition.maxReceiveCount,
      },
      VisibilityTimeout: definition.visibilityTimeoutSeconds,
      SqsManagedSseEnabled: true,
      // SQS's longest: a backlog older than the default four days would be dropped silently.
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    const deadLetterQueue = resourceById(sway.statefulTemplate, deadLetterQueueId);
    expect(deadLetterQueue.Properties).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
    expect(deadLetterQueue.Properties!.RedrivePolicy).toBeUndefined();
  });

  it('denies every queue and DLQ any request that is not over TLS', () => {
    for (const { queue, deadLetterQueue } of Object.values<DeployedQueue>(sway.stateful.queues)) {
      for (const logicalId of [logicalIdOf(queue), logicalIdOf(deadLetterQueue)]) {
        sway.statefulTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: logicalId }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Deny',
                Action: 'sqs:*',
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              }),
            ]),
          },
        });
      }
    }
  });
});

describe('stateful stack: webhook secrets and API keys', () => {
  it('holds a secret per webhook secret, the API keys and the site key', () => {
    sway.statefulTemplate.resourceCountIs('AWS::SecretsManager::Secret', Object.keys(secretEnvVars).length + 2);
  });

  it('generates the site key in a secret of its own, kept', () => {
    const secret = resourceById(sway.statefulTemplate, logicalIdOf(sway.stateful.siteKey));
    expect(secret.Properties!.Name).toBe('sway/site-key');
    expect(secret.Properties!.SecretString).toBeUndefined();
    expect(secret.Properties!.GenerateSecretString).toMatchObject({
      PasswordLength: 40,
      ExcludePunctuation: true,
      GenerateStringKey: 'current',
      SecretStringTemplate: JSON.stringify({ previous: '' }),
    });
    expect(secret.DeletionPolicy).toBe('Retain');
  });

  it('starts the API keys empty (lookups open) for the operator to fill in, and keeps them', () => {
    const secret = resourceById(sway.statefulTemplate, logicalIdOf(sway.stateful.apiKeys));
    expect(secret.Properties!.Name).toBe(secretNames(stages.prod).apiKeys);
    expect(secretNames(stages.prod).apiKeys).toBe('sway/api-keys');
    expect(JSON.parse(secret.Properties!.SecretString as string)).toEqual({ keys: '' });
    expect(secret.DeletionPolicy).toBe('Retain');
  });

  it('holds one secret per webhook secret, {"current", "previous"}: the generic one generated, every other empty for the operator', () => {
    for (const name of Object.keys(secretEnvVars) as SecretName[]) {
      const secret = resourceById(sway.statefulTemplate, logicalIdOf(sway.stateful.webhookSecrets[name]!));
      expect(secret.Properties!.Name).toBe(`sway/secrets/${name}`);
      expect(secretNames(stages.prod).webhook(name)).toBe(`sway/secrets/${name}`);
      expect(secret.DeletionPolicy).toBe('Retain');
      if (name === 'generic') {
        expect(secret.Properties!.SecretString).toBeUndefined();
        expect(secret.Properties!.GenerateSecretString).toMatchObject({ GenerateStringKey: 'current', SecretStringTemplate: JSON.stringify({ previous: '' }) });
      } else {
        expect(JSON.parse(secret.Properties!.SecretString as string)).toEqual({ current: '', previous: '' });
      }
    }
  });
});

describe('stateful stack: object store', () => {
  const bucket = () => resourceById(sway.statefulTemplate, logicalIdOf(sway.stateful.objectStore));
  const accessLogBucketId = () => logicalIdOf(sway.stateful.objectStoreConstruct.accessLogBucket);

  it('holds two buckets: the object store and the bucket of its access logs', () => {
    sway.statefulTemplate.resourceCountIs('AWS::S3::Bucket', 2);
  });

  it.each([
    ['the object store', () => logicalIdOf(sway.stateful.objectStore)],
    ['its access-log bucket', () => logicalIdOf(sway.stateful.objectStoreConstruct.accessLogBucket)],
  ])('%s: public access blocked, S3-managed encryption, TLS only, retained', (_name, logicalId) => {
    const resource = resourceById(sway.statefulTemplate, logicalId());
    expect(resource.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
    sway.statefulTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId() },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('is not versioned: an opt-out rewrites log objects, and nothing of the old ones may remain', () => {
    const versioning = bucket().Properties!.VersioningConfiguration;
    expect(versioning === undefined || versioning.Status === 'Suspended').toBe(true);
  });

  it('sends its server access logs to its own log bucket, which keeps them 90 days', () => {
    expect(bucket().Properties!.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: accessLogBucketId() }, LogFilePrefix: 'object-store/' });
    const logBucket = resourceById(sway.statefulTemplate, accessLogBucketId());
    expect(logBucket.Properties!.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({ ExpirationInDays: objectStoreAccessLogDays, Status: 'Enabled' }),
    ]);
  });

  it("expires each area of lib/app/log/layout.ts after its expireAfterDays, and the topics' state never", () => {
    const rules = bucket().Properties!.LifecycleConfiguration.Rules as { Prefix?: string; ExpirationInDays?: number; Status: string }[];
    const expiring = Object.values(objectStoreLayout).filter((area): area is Extract<typeof area, { expireAfterDays: number }> => 'expireAfterDays' in area);
    expect(expiring.map((area) => area.prefix).sort()).toEqual(['log/', 'runs/', 'state/content/', 'state/handles/', 'state/index/', 'state/processed/']);
    for (const area of expiring) {
      expect(rules, area.prefix).toContainEqual(expect.objectContaining({ Prefix: area.prefix, ExpirationInDays: area.expireAfterDays, Status: 'Enabled' }));
    }
    expect(objectStoreLayout.runs.expireAfterDays).toBe(7);
    // Every rule that expires objects names one of those prefixes: none reaches state/topics/.
    const expiringRules = rules.filter((rule) => rule.ExpirationInDays !== undefined);
    expect(expiringRules).toHaveLength(expiring.length);
    for (const rule of expiringRules) expect(objectStoreLayout.topics.prefix.startsWith(rule.Prefix ?? '')).toBe(false);
  });

  it('removes the parts of multipart uploads that never completed', () => {
    const rules = bucket().Properties!.LifecycleConfiguration.Rules as Record<string, unknown>[];
    expect(rules).toContainEqual(expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: incompleteUploadDays }, Status: 'Enabled' }));
  });
});
