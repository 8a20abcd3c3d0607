import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { env, secretEnvVars, type SecretName } from '../config';

/**
 * A webhook secret: in AWS from the Secrets Manager JSON secret (cached five minutes), locally from
 * its environment variable. Undefined when the operator has not configured it.
 */
export const webhookSecret = async (name: SecretName): Promise<string | undefined> => {
  const secretsArn = process.env[env.secretsArn];
  if (secretsArn) {
    const secrets = (await getSecret<Record<string, string>>(secretsArn, { transform: 'json', maxAge: 300 })) ?? {};
    return secrets[name] || undefined;
  }
  return process.env[secretEnvVars[name]] || undefined;
};

/**
 * The key the web pages' lookups carry (added by CloudFront in AWS, by the local gateway on one
 * machine): in AWS the `sway/site-key` secret (cached five minutes), locally SWAY_SITE_KEY.
 */
export const siteApiKey = async (): Promise<string | undefined> => {
  const secretArn = process.env[env.siteKeySecretArn];
  const value = secretArn ? await getSecret<string>(secretArn, { maxAge: 300 }) : process.env[env.siteKey];
  return value || undefined;
};

/**
 * The accepted `x-api-key` values for lookups: in AWS the `keys` of the API-keys secret (cached five
 * minutes), locally SWAY_API_KEYS; both a comma list. None: lookups are open.
 */
export const acceptedApiKeys = async (): Promise<string[]> => {
  const secretArn = process.env[env.apiKeysSecretArn];
  const list = secretArn
    ? ((await getSecret<{ keys?: string }>(secretArn, { transform: 'json', maxAge: 300 })) ?? {}).keys
    : process.env[env.apiKeys];
  return (list ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
};
