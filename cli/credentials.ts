import type { AdminAuthorizer } from './aws-signing';
import { SetupError } from './errors';

export const envVars = {
  url: 'SWAY_URL',
  apiKey: 'SWAY_API_KEY',
  adminToken: 'SWAY_ADMIN_TOKEN',
  genericSecret: 'SWAY_SECRET_GENERIC',
} as const;

type Env = Record<string, string | undefined>;

/** Lookups are open unless the server has API keys configured; send ours when we have one. */
export const lookupHeaders = (env: Env): Record<string, string> => {
  const apiKey = env[envVars.apiKey];
  return apiKey ? { 'x-api-key': apiKey } : {};
};

/** The local service's admin token, as a bearer token. */
export const bearerAuthorizer =
  (env: Env): AdminAuthorizer =>
  () => {
    const token = env[envVars.adminToken];
    if (!token) {
      throw new SetupError(`${envVars.adminToken} is not set: admin commands need the token the server printed at start (against AWS, pass --iam).`);
    }
    return Promise.resolve({ authorization: `Bearer ${token}` });
  };

export const ingestionSecret = (env: Env): string => {
  const secret = env[envVars.genericSecret];
  if (!secret) {
    throw new SetupError(`${envVars.genericSecret} is not set: import signs its requests with the secret the server printed at start.`);
  }
  return secret;
};
