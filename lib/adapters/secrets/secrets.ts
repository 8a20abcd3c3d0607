import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { WebhookSecret } from '../../domain/networks/webhook-source';
import { env, previousSecretEnvVar, secretArnEnvVar, type RotatedSecret } from '../../wiring/config';

/** Where a function's secrets come from: Secrets Manager in AWS, values handed in on one machine. */
export interface SecretSource {
  /** A webhook's secret; undefined when the operator has not configured it. */
  webhook(secret: WebhookSecret): Promise<RotatedSecret | undefined>;
  /**
   * The key the web pages' lookups carry (added by CloudFront in AWS, by the local gateway on one
   * machine). Both values pass while CloudFront moves to a new one.
   */
  siteKey(): Promise<RotatedSecret | undefined>;
  /** The accepted `x-api-key` values for lookups; none: lookups are open. */
  apiKeys(): Promise<string[]>;
}

/** A rotated secret from its Secrets Manager secret (`{"current", "previous"}`, cached five minutes) in AWS, from `local` elsewhere; undefined without a current value. */
const rotatedSecret = async (secretArn: string | undefined, local: { current?: string; previous?: string }): Promise<RotatedSecret | undefined> => {
  const stored = secretArn ? ((await getSecret<{ current?: string; previous?: string }>(secretArn, { transform: 'json', maxAge: 300 })) ?? {}) : local;
  if (!stored.current) return undefined;
  return { current: stored.current, ...(stored.previous ? { previous: stored.previous } : {}) };
};

/**
 * The secrets these variables name. In AWS each variable holds the ARN of a Secrets Manager secret
 * (`SWAY_SECRETS_ARN_…`, `SWAY_API_KEYS_SECRET_ARN`, `SWAY_SITE_KEY_SECRET_ARN`); on one machine
 * the values themselves (a webhook's variable and its `…_PREVIOUS`, `SWAY_API_KEYS` as a comma
 * list, `SWAY_SITE_KEY`). The deployed functions read their own environment; `npm start` hands in
 * its own variables.
 */
export const secretsFrom = (variables: Readonly<Record<string, string | undefined>>): SecretSource => ({
  webhook: (secret) =>
    rotatedSecret(variables[secretArnEnvVar(secret.name)], { current: variables[secret.envVar], previous: variables[previousSecretEnvVar(secret)] }),
  siteKey: () => rotatedSecret(variables[env.siteKeySecretArn], { current: variables[env.siteKey] }),
  apiKeys: async () => {
    const secretArn = variables[env.apiKeysSecretArn];
    const list = secretArn ? (await getSecret<{ keys?: string }>(secretArn, { transform: 'json', maxAge: 300 }))?.keys : variables[env.apiKeys];
    return (list ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter(Boolean);
  },
});
