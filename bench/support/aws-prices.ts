/**
 * AWS on-demand prices in us-east-1 that the cost benchmarks multiply measured usage by, in US
 * dollars, first pricing tier, free tiers ignored. As published on the aws.amazon.com pricing
 * pages (API Gateway, Lambda, DynamoDB, SQS) and taken on the date below; the bench does not fetch
 * them, so update them here when AWS changes its prices.
 */
export const awsPrices = {
  region: 'us-east-1',
  checked: '2026-11-25',
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
} as const;

export type AwsPrices = typeof awsPrices;
