/**
 * Dollars per million units of work (interactions ingested, lookups served) from measured usage:
 * requests, Lambda invocations and billed milliseconds, DynamoDB capacity units, S3 requests and
 * storage.
 */
import type { AwsPrices } from './aws-prices';

export interface FunctionUsage {
  invocations: number;
  /** Sum over invocations of each one's duration rounded up to the next millisecond, as Lambda bills. */
  billedMs: number;
  memoryMb: number;
}

export interface MeasuredUsage {
  /** How many units of work the usage below did (interactions, lookups). */
  units: number;
  /** API Gateway requests, counted in 512 KB increments. */
  apiRequests: number;
  functions: FunctionUsage[];
  readUnits: number;
  writeUnits: number;
  /** SQS requests, counted in 64 KB chunks. */
  sqsRequests: number;
  /** S3 PUT (and LIST) requests. */
  s3PutRequests?: number;
  /** S3 GET requests. */
  s3GetRequests?: number;
  /** S3 Standard storage, in GB-months. */
  s3GbMonths?: number;
}

export interface Cost {
  total: number;
  apiGateway: number;
  lambdaRequests: number;
  lambdaCompute: number;
  dynamodbReads: number;
  dynamodbWrites: number;
  sqs: number;
  s3Requests: number;
  s3Storage: number;
}

/** Dollars of the usage itself. */
export const costOf = (usage: Omit<MeasuredUsage, 'units'>, prices: AwsPrices): Cost => {
  const million = 1_000_000;
  const invocations = usage.functions.reduce((sum, fn) => sum + fn.invocations, 0);
  const gbSeconds = usage.functions.reduce((sum, fn) => sum + (fn.billedMs / 1000) * (fn.memoryMb / 1024), 0);
  const parts = {
    apiGateway: (usage.apiRequests / million) * prices.apiGateway.httpApiPerMillionRequests,
    lambdaRequests: (invocations / million) * prices.lambda.perMillionRequests,
    lambdaCompute: gbSeconds * prices.lambda.perGbSecondArm64,
    dynamodbReads: (usage.readUnits / million) * prices.dynamodb.perMillionReadRequestUnits,
    dynamodbWrites: (usage.writeUnits / million) * prices.dynamodb.perMillionWriteRequestUnits,
    sqs: (usage.sqsRequests / million) * prices.sqs.perMillionRequests,
    s3Requests: ((usage.s3PutRequests ?? 0) / 1000) * prices.s3.perThousandPutRequests + ((usage.s3GetRequests ?? 0) / 1000) * prices.s3.perThousandGetRequests,
    s3Storage: (usage.s3GbMonths ?? 0) * prices.s3.perGbMonth,
  };
  return { total: Object.values(parts).reduce((sum, part) => sum + part, 0), ...parts };
};

/** Dollars per million units of work. */
export const costPerMillion = (usage: MeasuredUsage, prices: AwsPrices): Cost => {
  const cost = costOf(usage, prices);
  const scale = 1_000_000 / usage.units;
  return Object.fromEntries(Object.entries(cost).map(([part, dollars]) => [part, dollars * scale])) as unknown as Cost;
};

/** Billed requests of a payload metered in fixed increments (at least one). */
export const meteredRequests = (payloadBytes: number, incrementBytes: number): number => Math.max(1, Math.ceil(payloadBytes / incrementBytes));

/** "$1.23 (API $0.40, Lambda …)": the total and where it goes, for a benchmark's notes. */
export const describeCost = (cost: Cost): string => {
  const dollars = (value: number) => `$${value.toFixed(value < 0.01 ? 4 : 3)}`;
  const s3 = cost.s3Requests > 0 || cost.s3Storage > 0 ? `, S3 requests ${dollars(cost.s3Requests)}, S3 storage ${dollars(cost.s3Storage)}` : '';
  return `API Gateway ${dollars(cost.apiGateway)}, Lambda requests ${dollars(cost.lambdaRequests)}, Lambda GB-s ${dollars(cost.lambdaCompute)}, DynamoDB reads ${dollars(cost.dynamodbReads)}, DynamoDB writes ${dollars(cost.dynamodbWrites)}, SQS ${dollars(cost.sqs)}${s3}`;
};
