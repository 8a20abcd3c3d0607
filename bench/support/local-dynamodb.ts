import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lib/store/dynamodb-client';
import { SwayStore } from '../../lib/store/sway-store';
import { tables } from '../../lib/store/tables';

/** A document client of its own on the bench's DynamoDB Local: nothing it does is counted or shared with the handlers. */
export const localDocumentClient = (endpoint: string, overrides: DynamoDBClientConfig = {}): DynamoDBDocumentClient =>
  createDocumentClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, ...overrides });

/** The service's store, read through such a client (for checks outside what is measured). */
export const serviceStore = (endpoint: string): SwayStore => new SwayStore(localDocumentClient(endpoint), tables.main.localName);
