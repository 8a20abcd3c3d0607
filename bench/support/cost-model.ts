/**
 * Dollars per million units of work (interactions ingested, lookups served) from measured usage:
 * requests, Lambda invocations and billed milliseconds, DynamoDB capacity units.
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
}

export interface Cost {
  total: number;
  apiGateway: number;
  lambdaRequests: number;
  lambdaCompute: number;
  dynamodbReads: number;
  dynamodbWrites: number;
  sqs: number;
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
  return `API Gateway ${dollars(cost.apiGateway)}, Lambda requests ${dollars(cost.lambdaRequests)}, Lambda GB-s ${dollars(cost.lambdaCompute)}, DynamoDB reads ${dollars(cost.dynamodbReads)}, DynamoDB writes ${dollars(cost.dynamodbWrites)}, SQS ${dollars(cost.sqs)}`;
};
