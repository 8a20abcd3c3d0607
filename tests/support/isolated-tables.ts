import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { createTables } from '../../infra/local/create-tables';
import { createDocumentClient, dynamoDbLocalConfig } from '../../lib/adapters/dynamodb/dynamodb-client';
import { tables } from '../../lib/adapters/dynamodb/tables';

/**
 * Fresh tables with unique names in the shared DynamoDB Local, and a fresh folder for the local
 * queue, so test files never see each other's data.
 */
export const isolatedTables = async () => {
  const endpoint = inject('dynamoDbEndpoint');
  const suffix = randomUUID().slice(0, 8);
  const definitions = {
    main: { ...tables.main, localName: `${tables.main.localName}-${suffix}` },
  };
  const client = new DynamoDBClient(dynamoDbLocalConfig(endpoint));
  await createTables(client, Object.values(definitions));
  client.destroy();
  const db = createDocumentClient(dynamoDbLocalConfig(endpoint));
  return { db, endpoint, mainTable: definitions.main.localName, queueDir: mkdtempSync(join(tmpdir(), 'sway-queue-')) };
};
