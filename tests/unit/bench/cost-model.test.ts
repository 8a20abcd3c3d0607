import { describe, expect, it } from 'vitest';
import { awsPrices } from '../../../bench/support/aws-prices';
import { costPerMillion, meteredRequests } from '../../../bench/support/cost-model';

describe('dollars per million from measured usage', () => {
  it('adds up requests, GB-seconds, capacity units and queue requests at the given prices', () => {
    const cost = costPerMillion(
      {
        units: 1_000,
        apiRequests: 10,
        functions: [
          { invocations: 10, billedMs: 2_000, memoryMb: 1024 },
          { invocations: 1, billedMs: 4_000, memoryMb: 512 },
        ],
        readUnits: 500,
        writeUnits: 8_000,
        sqsRequests: 12,
      },
      awsPrices,
    );
    // Per interaction ×1e6: 10 API requests per 1,000 → 10,000 per million at $1/million.
    expect(cost.apiGateway).toBeCloseTo(0.01, 10);
    expect(cost.lambdaRequests).toBeCloseTo(11_000 * 0.2e-6, 10);
    // 2 s × 1 GB + 4 s × 0.5 GB = 4 GB-s per 1,000 interactions.
    expect(cost.lambdaCompute).toBeCloseTo(4_000 * 0.0000133334, 10);
    expect(cost.dynamodbReads).toBeCloseTo(500_000 * 0.125e-6, 10);
    expect(cost.dynamodbWrites).toBeCloseTo(8_000_000 * 0.625e-6, 10);
    expect(cost.sqs).toBeCloseTo(12_000 * 0.4e-6, 10);
    expect(cost.total).toBeCloseTo(cost.apiGateway + cost.lambdaRequests + cost.lambdaCompute + cost.dynamodbReads + cost.dynamodbWrites + cost.sqs, 10);
  });

  it('meters payloads in whole increments, at least one', () => {
    expect(meteredRequests(0, 65_536)).toBe(1);
    expect(meteredRequests(65_536, 65_536)).toBe(1);
    expect(meteredRequests(65_537, 65_536)).toBe(2);
  });
});
