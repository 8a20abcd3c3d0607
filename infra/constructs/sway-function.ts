import * as path from 'node:path';
import { Duration, Validations, type Size } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { duckdbBundlingCommands, duckdbExternalModules, type DuckdbBinding } from './duckdb-binding';
import { stageOf } from '../stage';

export const repositoryRoot = path.resolve(__dirname, '..', '..');

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

/**
 * ESM bundles have no `require`; some dependencies (the Powertools tracer, via the X-Ray SDK)
 * still call it, so the bundle defines one.
 */
const esmRequireBanner = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** How every function is bundled (ESM, besides): one definition for the stacks and for bench/function-bundles.ts, which weighs them. */
export const functionBundling = {
  minify: true,
  target: 'node22',
  banner: esmRequireBanner,
  mainFields: ['module', 'main'],
} as const;

export interface SwayFunctionProps {
  /** File name in functions/ (without .ts) whose `handler` export is the entry point. */
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

/** Copies the DuckDB binding's packages into the bundle, after esbuild (which left them out). */
const duckdbCommandHooks = (binding: DuckdbBinding): ICommandHooks => ({
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir, outputDir) => duckdbBundlingCommands(inputDir, outputDir, binding),
});

/** A Lambda function for one file in functions/, bundled locally with esbuild, with Sway's defaults. */
export class SwayFunction extends Construct {
  public readonly name: string;
  public readonly function: NodejsFunction;
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

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(repositoryRoot, 'functions', `${props.name}.ts`),
      handler: 'handler',
      projectRoot: repositoryRoot,
      depsLockFilePath: path.join(repositoryRoot, 'package-lock.json'),
      description: `Sway ${props.name} (functions/${props.name}.ts)`,
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
      bundling: {
        forceDockerBundling: false,
        externalModules: props.duckdb ? [...duckdbExternalModules] : [],
        ...(props.duckdb ? { commandHooks: duckdbCommandHooks(props.duckdb) } : {}),
        minify: functionBundling.minify,
        sourceMap: true,
        sourcesContent: false,
        target: functionBundling.target,
        format: OutputFormat.ESM,
        banner: functionBundling.banner,
        mainFields: [...functionBundling.mainFields],
      },
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
