import { secretsFrom, type SecretSource } from '../adapters/secrets/secrets';

/** A deployed function's secrets: the Secrets Manager secrets its environment names (`SWAY_SECRETS_ARN_…`, …). */
export const secrets: SecretSource = secretsFrom(process.env);
