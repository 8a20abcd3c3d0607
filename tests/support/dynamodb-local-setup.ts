/** vitest global setup for integration tests: one in-memory DynamoDB Local for the whole run. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local';
import { freePort } from './free-port';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sway-ddb-'));
  const dynamoDb = await startDynamoDbLocal({ port: await freePort(), dataDir, inMemory: true });
  project.provide('dynamoDbEndpoint', dynamoDb.endpoint);
  return async () => {
    await dynamoDb.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
