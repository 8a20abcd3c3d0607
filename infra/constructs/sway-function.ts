import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { AssetHashType, DockerImage, Duration, Validations, type Size } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { DuckdbBinding } from './duckdb-binding';
import { functionSource, repositoryRoot } from './function-build';
import { stageOf } from '../stage';

export { repositoryRoot };

export const swayFunctionDefaults = {
  runtime: lambda.Runtime.NODEJS_22_X,
  architecture: lambda.Architecture.ARM_64,
  memorySize: 1024,
  timeout: Duration.seconds(10),
} as const;

export const powertoolsEnvironment = {
  POWERTOOLS_SERVICE_NAME: 'sway',
  POWERTOOLS_METRICS_NAMESPACE: 'Sway',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_TRACE_ENABLED: 'true',
  // Responses carry scores, handles and explanations (people's data, opted-out accounts' included
  // until purged): traces keep timings, not bodies.
  POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
  NODE_OPTIONS: '--enable-source-maps',
} as const;

export interface SwayFunctionProps {
  /** The function's name in the catalogue (lib/wiring/functions.ts): a file of functions/ without .ts, or `webhook-<network>`. */
  name: string;
  memorySize?: number;
  timeout?: Duration;
  /** At most this many instances at once, whatever invokes the function; default: no limit of its own. */
  reservedConcurrentExecutions?: number;
  /** /tmp; default Lambda's 512 MB. */
  ephemeralStorageSize?: Size;
  /**
   * The function uses DuckDB: this native binding is copied into its bundle (not bundled by
   * esbuild) and the function runs on the binding's architecture instead of arm64.
   */
  duckdb?: DuckdbBinding;
  /** Added to the Powertools defaults. */
  environment?: Record<string, string>;
}

/**
 * The function's code: functions/<name>.ts (or a webhook network's source) built at synth by infra/build-function.ts
 * (infra/constructs/function-build.ts: esbuild with the project's own options and plugins, the
 * DuckDB binding copied in when the function uses it), locally, without Docker.
 */
const functionCode = (name: string, duckdb: DuckdbBinding | undefined): lambda.Code => {
  const packages = duckdb?.packages ?? [];
  return lambda.Code.fromAsset(repositoryRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('unused'),
      // Never run (no Docker); the key CDK caches the bundle under, which cannot see into tryBundle: every function must differ here.
      command: ['infra/build-function.ts', name, ...packages],
      local: {
        tryBundle(outputDir: string): boolean {
          execFileSync(process.execPath, ['--import', 'tsx', path.join(repositoryRoot, 'infra', 'build-function.ts'), name, outputDir, ...packages], {
            cwd: repositoryRoot,
            stdio: ['ignore', 'ignore', 'inherit'],
          });
          return true;
        },
      },
    },
  });
};

/** A Lambda function of the catalogue, bundled locally with esbuild at synth, with Sway's defaults. */
export class SwayFunction extends Construct {
  public readonly name: string;
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SwayFunctionProps) {
    super(scope, id);
    this.name = props.name;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: stageOf(this).logRetention });

    // An explicit role instead of the AWSLambdaBasicExecutionRole managed policy, which may write
    // to every log group in the account: this one may write only to the function's own.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the Sway ${props.name} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new lambda.Function(this, 'Function', {
      code: functionCode(props.name, props.duckdb),
      handler: 'index.handler',
      description: `Sway ${props.name} (${functionSource(props.name)})`,
      runtime: swayFunctionDefaults.runtime,
      architecture: props.duckdb?.architecture ?? swayFunctionDefaults.architecture,
      memorySize: props.memorySize ?? swayFunctionDefaults.memorySize,
      timeout: props.timeout ?? swayFunctionDefaults.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      ephemeralStorageSize: props.ephemeralStorageSize,
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...powertoolsEnvironment, ...props.environment },
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: it is the runtime the code is built (esbuild target node22) and tested for; moving to a newer runtime is a deliberate, tested upgrade.',
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions.',
    });
  }
}
