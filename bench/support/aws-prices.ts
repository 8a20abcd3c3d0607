/**
 * AWS on-demand prices in us-east-1 that the cost benchmarks (and docs/SCALING.md's projections)
 * multiply measured usage by, in US dollars, first pricing tier, free tiers ignored. As published
 * on the aws.amazon.com pricing pages (API Gateway, Lambda, DynamoDB, SQS on the date below; S3,
 * Step Functions, Athena and EMR Serverless on `checkedLogAndEngines`); the bench does not fetch
 * them, so update them here when AWS changes its prices.
 */
export const awsPrices = {
  region: 'us-east-1',
  checked: '2026-11-25',
  checkedLogAndEngines: '2026-12-03',
  apiGateway: {
    /** HTTP API, per million requests (first 300 million a month). */
    httpApiPerMillionRequests: 1.0,
    /** An HTTP API request is metered in increments of 512 KB. */
    meteringIncrementBytes: 512 * 1024,
  },
  lambda: {
    perMillionRequests: 0.2,
    /** arm64, first 6 billion GB-seconds a month. */
    perGbSecondArm64: 0.0000133334,
  },
  dynamodb: {
    /** On-demand, Standard table class. */
    perMillionWriteRequestUnits: 0.625,
    perMillionReadRequestUnits: 0.125,
  },
  sqs: {
    /** Standard queue, per million requests after the free million. */
    perMillionRequests: 0.4,
    /** Each 64 KB chunk of a request's payload is billed as one request. */
    meteringIncrementBytes: 64 * 1024,
  },
  s3: {
    /** S3 Standard: PUT, COPY, POST, LIST requests. */
    perThousandPutRequests: 0.005,
    /** GET, SELECT and all other requests. */
    perThousandGetRequests: 0.0004,
    /** First 50 TB a month. */
    perGbMonth: 0.023,
  },
  stepFunctions: {
    /** Standard workflows (the recompute's state machine and its Distributed Map's child executions). */
    perThousandStateTransitions: 0.025,
  },
  athena: {
    /** SQL queries, per TB of data scanned (10 MB minimum per query). */
    perTbScanned: 5.0,
  },
  emrServerless: {
    /** arm64 (Graviton) workers. */
    perVcpuHourArm64: 0.042094,
    perGbHourArm64: 0.004628,
  },
} as const;

export type AwsPrices = typeof awsPrices;
