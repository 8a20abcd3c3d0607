import { dynamoDbLocalConfig } from '../lib/adapters/dynamodb/dynamodb-client';
/**
 * `npx tsx bench/batch-write-scaling.ts`: DynamoDB Local's BatchWriteItem rate on this machine at
 * 4, 8, 16 and 32 requests in flight — what bounds the recompute, which is mostly writes, and why
 * it writes with 16 in flight (docs/BENCHMARKS.md, `recompute.higgs`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTables } from '../infra/local/create-tables';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local';
import { batchWriteAll } from '../lib/adapters/dynamodb/batch-write';
import { tables } from '../lib/adapters/dynamodb/tables';
import { freePort } from '../tests/support/free-port';
import { localDocumentClient } from './support/local-dynamodb';

const ITEMS = 20_000;
const IN_FLIGHT = [4, 8, 16, 32];

const main = async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = mkdtempSync(join(tmpdir(), 'sway-batch-scaling-'));
  const dynamoDb = await startDynamoDbLocal({ port: await freePort(), dataDir, inMemory: true });
  const client = new DynamoDBClient(dynamoDbLocalConfig(dynamoDb.endpoint));
  const db = localDocumentClient(dynamoDb.endpoint);
  try {
    // Items shaped like the explanations a recompute writes; the first round warms DynamoDB Local up.
    const items = Array.from({ length: ITEMS }, (_, i) => ({
      PutRequest: {
        Item: { pk: `EXPL#x#${i}`, sk: 'TOPIC#higgs', score: i % 100, parts: [{ factor: 'engagers', share: 0.5 }], topEngagers: ['x:1', 'x:2', 'x:3'] },
      },
    }));
    for (const [round, inFlight] of [IN_FLIGHT[0]!, ...IN_FLIGHT].entries()) {
      const table = { ...tables.main, localName: `scaling-${round}` };
      await createTables(client, [table]);
      const started = performance.now();
      await batchWriteAll(db, table.localName, items, inFlight);
      const perSecond = Math.round(ITEMS / ((performance.now() - started) / 1000));
      console.log(`${round === 0 ? 'warm-up, ' : ''}${inFlight} in flight: ${perSecond.toLocaleString('en')} items/s`);
    }
  } finally {
    client.destroy();
    db.destroy();
    await dynamoDb.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
