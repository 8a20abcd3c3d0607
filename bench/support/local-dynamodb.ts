import { Agent } from 'node:http';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { storesOver, type Stores } from '../../lib/wiring/dependencies';
import { createDocumentClient, dynamoDbLocalConfig } from '../../lib/adapters/dynamodb/dynamodb-client';
import { Table } from '../../lib/adapters/dynamodb/table';
import { tables } from '../../lib/adapters/dynamodb/tables';

/** A document client of its own on the bench's DynamoDB Local: nothing it does is counted or shared with the handlers. */
export const localDocumentClient = (endpoint: string, overrides: DynamoDBClientConfig = {}): DynamoDBDocumentClient =>
  createDocumentClient({ ...dynamoDbLocalConfig(endpoint), ...overrides });

/** Such a client with `connections` keep-alive connections: a ceiling's reads at the concurrency it measures. */
export const concurrentDocumentClient = (endpoint: string, connections: number): DynamoDBDocumentClient =>
  localDocumentClient(endpoint, { requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: connections }) } });

/** The service's stores, read through such a client (for checks outside what is measured). */
export const serviceStores = (endpoint: string, tableName: string = tables.main.localName): Stores =>
  storesOver(new Table(localDocumentClient(endpoint), tableName));

/**
 * What the handlers and units expect of a Lambda environment beyond what bench/run.ts sets first
 * (infra/local/powertools-environment.ts, which the unit workers inherit).
 */
export const benchLambdaEnv = { AWS_REGION: 'local' } as const;
