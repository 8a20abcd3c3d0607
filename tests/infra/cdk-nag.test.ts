import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations, type App } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { jetstreamUrlContextKey, jetstreamWantedDidsContextKey } from '../../infra/stateless-stack';
import { stageContextKey } from '../../infra/stage';
import { buildSwayApp, buildSwayStacks, type SwayStacks } from '../../infra/sway-app';
import { newTestApp, synthesisTimeoutMs } from './sway-app-fixture';

interface ValidationReport {
  pluginReports: { pluginName: string; violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[] }[];
}

/** Every acknowledgement the app makes, reviewed: a new one must be added here on purpose. */
const reviewedAcknowledgements: RegExp[] = [
  /^AwsSolutions-SQS3$/, // dead-letter queues have no DLQ of their own
  /^AwsSolutions-SMG4$/, // webhook secrets are shared with third parties, rotated by the operator
  /^AwsSolutions-L1$/, // Node.js 22 pinned; aws-cdk-lib's BucketDeployment handler
  /^AwsSolutions-IAM5\[Resource::\*\]$/, // X-Ray and log delivery have no resource-level permissions; nor have CloudFront invalidations
  /^AwsSolutions-IAM5\[Resource::<ConsumeJetstreamFunction[0-9A-F]{8}\.Arn>:\*\]$/, // scheduler may invoke consume-jetstream's versions
  // the recompute state machine may invoke its four units' versions
  /^AwsSolutions-IAM5\[Resource::<Recompute(Prepare|Topic|Finish|Failed)Function[0-9A-F]{8}\.Arn>:\*\]$/,
  // objects under one prefix of the object store (lib/app/log/layout.ts): the functions' grants, the map's items and results
  /^AwsSolutions-IAM5\[Resource::SwayStateful:ExportsOutputFnGetAttObjectStoreBucket[0-9A-F]{8}Arn[0-9A-F]{8}\/(log|state|state\/topics|runs|runs\/map-results)\/\*\]$/,
  // executions of the recompute state machine (get-run; the Distributed Map's child executions and their redrive)
  /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:\{"Fn::Select":\[6,\{"Fn::Split":\[":",\{"Ref":"RecomputeStateMachine[0-9A-F]{8}"\}\]\}\]\}(\/topics)?:\*\]$/,
  // the operator policy: one admin route each, a * per path parameter
  /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<HttpApi[0-9A-F]{8}>\/\$default\/(DELETE|PUT|GET)\/v1\/[a-z/]+\/\*(\/\*)?(\/[a-z]+)?\]$/,
  /^AwsSolutions-IAM4$/, // the operator role's one policy is Sway's own operator policy
  /^AwsSolutions-SNS2$/, // the alarm topic: alarm names and values, no personal data
  /^AwsSolutions-APIG4$/, // public, lookup and signed routes
  /^AwsSolutions-CFR[124]$/, // web distribution: no geo restriction, no WAF, default certificate
  // aws-cdk-lib's BucketDeployment handler: basic execution role, sync from the asset archive into the site bucket
  /^AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole\]$/,
  /^AwsSolutions-IAM5\[Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort)\*\]$/,
  /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:s3:::cdk-\w+-assets-<AWS::AccountId>-<AWS::Region>\/\*\]$/,
  /^AwsSolutions-IAM5\[Resource::<WebSiteSiteBucket[0-9A-F]{8}\.Arn>\/\*\]$/,
];

const outdirs: string[] = [];
/** The Bluesky consumer switched on, as an operator would: its schedule and settings are checked too. */
const blueskyOn = {
  [jetstreamUrlContextKey]: 'wss://jetstream2.us-east.bsky.network/subscribe',
  [jetstreamWantedDidsContextKey]: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz',
};

const newSwayApp = (context: Record<string, string> = {}): { app: App; outdir: string } & SwayStacks => {
  const outdir = mkdtempSync(join(tmpdir(), 'sway-cdk-nag-'));
  outdirs.push(outdir);
  const app = newTestApp({ outdir });
  for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
  return { app, outdir, ...buildSwayApp(app) };
};
afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

const awsSolutionsViolations = (outdir: string): string[] => {
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
  return report.pluginReports
    .filter((plugin) => plugin.pluginName.startsWith('AwsSolutions'))
    .flatMap((plugin) => plugin.violations)
    .flatMap((violation) => violation.violatingConstructs.map((construct) => `${violation.severity} ${violation.ruleName} at ${construct.constructPath}`));
};

describe('cdk-nag AWS Solutions checks', () => {
  it.each([
    { name: 'as deployed by default (Bluesky off)', context: {} as Record<string, string> },
    { name: 'with the Bluesky consumer on', context: blueskyOn },
    { name: 'as the dev stage', context: { [stageContextKey]: 'dev' } },
  ])(
    'synthesizes the app $name with no unacknowledged error or warning',
    ({ context }) => {
      const { app, outdir } = newSwayApp(context);
      expect(() => app.synth()).not.toThrow();
      expect(awsSolutionsViolations(outdir)).toEqual([]);

      const direct = new AwsSolutionsChecks().validateScope(app);
      expect(direct.violations.map((violation) => violation.ruleName)).toEqual([]);
    },
    synthesisTimeoutMs,
  );

  it(
    'reports no CDK warning or error on any stack',
    () => {
      for (const context of [{}, blueskyOn]) {
        const app = newTestApp();
        for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
        const { stateful, stateless, web, monitoring } = buildSwayStacks(app);
        for (const stack of [stateful, stateless, web, monitoring]) {
          const annotations = Annotations.fromStack(stack);
          expect(annotations.findError('*', Match.anyValue()).map((message) => message.entry.data)).toEqual([]);
          expect(annotations.findWarning('*', Match.anyValue()).map((message) => message.entry.data)).toEqual([]);
        }
      }
    },
    synthesisTimeoutMs,
  );

  it(
    'fails synthesis when a resource breaks a rule (the checks are registered by buildSwayApp)',
    () => {
      const { app, stateful } = newSwayApp();
      new sqs.Queue(stateful, 'PlaintextTransportQueue', { enforceSSL: false });
      expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
    },
    synthesisTimeoutMs,
  );

  it(
    'acknowledges only reviewed rules, each with a reason',
    () => {
      const { app } = newSwayApp(blueskyOn);
      const acknowledgements = app.node
        .findAll()
        .flatMap((construct) => construct.node.metadata)
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
        .map(([id, reason]) => ({ id: id.replace(/^annotation::/i, ''), reason }));
      expect(acknowledgements.length).toBeGreaterThan(0);
      for (const { id, reason } of acknowledgements) {
        expect(
          reviewedAcknowledgements.some((pattern) => pattern.test(id)),
          id,
        ).toBe(true);
        expect(reason.length, id).toBeGreaterThan(40);
      }
    },
    synthesisTimeoutMs,
  );
});
