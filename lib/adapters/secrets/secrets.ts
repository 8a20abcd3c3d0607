import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { WebhookSecret } from '../../domain/networks/webhook-source';
import { env, previousSecretEnvVar, secretArnEnvVar, type RotatedSecret } from '../../wiring/config';

/** A rotated secret from its Secrets Manager secret (`{"current", "previous"}`, cached five minutes) in AWS, from `local` elsewhere; undefined without a current value. */
const rotatedSecret = async (secretArn: string | undefined, local: { current?: string; previous?: string }): Promise<RotatedSecret | undefined> => {
  const stored = secretArn ? ((await getSecret<{ current?: string; previous?: string }>(secretArn, { transform: 'json', maxAge: 300 })) ?? {}) : local;
  if (!stored.current) return undefined;
  return { current: stored.current, ...(stored.previous ? { previous: stored.previous } : {}) };
};

/**
 * A webhook secret: in AWS from its own Secrets Manager secret, locally from its environment
 * variable (and `…_PREVIOUS`). Undefined when the operator has not configured it.
 */
export const webhookSecret = (secret: WebhookSecret): Promise<RotatedSecret | undefined> =>
  rotatedSecret(process.env[secretArnEnvVar(secret.name)], { current: process.env[secret.envVar], previous: process.env[previousSecretEnvVar(secret)] });

/**
 * The key the web pages' lookups carry (added by CloudFront in AWS, by the local gateway on one
 * machine): in AWS the `sway/site-key` secret, locally SWAY_SITE_KEY. Both values pass while
 * CloudFront moves to a new one.
 */
export const siteApiKey = (): Promise<RotatedSecret | undefined> => rotatedSecret(process.env[env.siteKeySecretArn], { current: process.env[env.siteKey] });

/**
 * The accepted `x-api-key` values for lookups: in AWS the `keys` of the API-keys secret (cached five
 * minutes), locally SWAY_API_KEYS; both a comma list. None: lookups are open.
 */
export const acceptedApiKeys = async (): Promise<string[]> => {
  const secretArn = process.env[env.apiKeysSecretArn];
  const list = secretArn ? (await getSecret<{ keys?: string }>(secretArn, { transform: 'json', maxAge: 300 }))?.keys : process.env[env.apiKeys];
  return (list ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
};
