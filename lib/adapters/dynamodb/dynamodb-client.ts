import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { env } from '../../wiring/config';

/**
 * One document client per process. Locally SWAY_DYNAMODB_ENDPOINT points at DynamoDB Local, which
 * accepts any credentials.
 */
export const createDocumentClient = (overrides: DynamoDBClientConfig = {}): DynamoDBDocumentClient => {
  const endpoint = process.env[env.dynamodbEndpoint];
  const local: DynamoDBClientConfig = endpoint
    ? { endpoint, region: process.env.AWS_REGION ?? 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {};
  const client = new DynamoDBClient({ maxAttempts: 6, ...local, ...overrides });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
};

let shared: DynamoDBDocumentClient | undefined;
export const documentClient = (): DynamoDBDocumentClient => (shared ??= createDocumentClient());
