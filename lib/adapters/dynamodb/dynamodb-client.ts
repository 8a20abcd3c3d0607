import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { env } from '../../wiring/config';

/** A client's settings for DynamoDB Local at this endpoint, which accepts any credentials. */
export const dynamoDbLocalConfig = (endpoint: string): DynamoDBClientConfig => ({
  endpoint,
  region: 'local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

/**
 * One document client per process. Locally SWAY_DYNAMODB_ENDPOINT points at DynamoDB Local, which
 * accepts any credentials.
 */
export const createDocumentClient = (overrides: DynamoDBClientConfig = {}): DynamoDBDocumentClient => {
  const endpoint = process.env[env.dynamodbEndpoint];
  const local: DynamoDBClientConfig = endpoint ? dynamoDbLocalConfig(endpoint) : {};
  const client = new DynamoDBClient({ maxAttempts: 6, ...local, ...overrides });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
};

let shared: DynamoDBDocumentClient | undefined;
export const documentClient = (): DynamoDBDocumentClient => (shared ??= createDocumentClient());
