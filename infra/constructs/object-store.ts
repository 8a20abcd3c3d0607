import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { objectStoreLayout } from '../../lib/app/log/layout';

/** How long the object store's server access logs are kept. */
export const objectStoreAccessLogDays = 90;
/** Parts of a multipart upload that never completed (a writer that died) are removed after this. */
export const incompleteUploadDays = 1;

const privateBucket = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  encryption: s3.BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
} as const satisfies s3.BucketProps;

/**
 * The lifecycle rules of the object store, from `objectStoreLayout`: each prefix with an
 * `expireAfterDays` expires after it (the log and the interaction index after the retention, what
 * runs hand on after a week); the topics' state (`state/topics/`) is kept. No versioning, so an
 * expired or deleted object leaves no old version behind.
 */
export const objectStoreLifecycleRules = (): s3.LifecycleRule[] => [
  ...Object.entries(objectStoreLayout).flatMap(([id, area]) =>
    'expireAfterDays' in area ? [{ id: `expire-${id}`, prefix: area.prefix, expiration: Duration.days(area.expireAfterDays) }] : [],
  ),
  { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(incompleteUploadDays) },
];

/**
 * The bucket holding the interaction log (Parquet) and the recompute's state and hand-overs
 * (lib/app/log/layout.ts), with a bucket of its own for its server access logs. Private, S3-managed
 * encryption, TLS only, unversioned (an opt-out rewrites log objects and nothing of the old ones
 * may remain), retained when the stack is deleted.
 */
export class ObjectStore extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly accessLogBucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Access logs are allowed by the log bucket's policy, as AWS recommends, not by the
    // LogDeliveryWrite ACL (CDK's default, which it acknowledges as deprecated).
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    this.accessLogBucket = new s3.Bucket(this, 'AccessLogBucket', {
      ...privateBucket,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(objectStoreAccessLogDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...privateBucket,
      versioned: false,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'object-store/',
      lifecycleRules: objectStoreLifecycleRules(),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
