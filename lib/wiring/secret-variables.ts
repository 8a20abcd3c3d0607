/**
 * Every secret by name (CONTRACT §1) and the variable that carries it on one machine; the previous
 * value of one being rotated goes in the same variable with `_PREVIOUS`. In AWS each is a Secrets
 * Manager secret of its own, `{"current", "previous"}`, whose ARN a function finds in
 * `secretArnEnvVar(name)` (config.ts). Read by the stacks, npm start and the tests; a function
 * reads only the secrets its source names, so it does not bundle every provider's.
 */
import { genericSecret } from '../domain/networks/webhook-source';
import { secretEnvVarsOfNetworks } from '../domain/networks/webhook-sources';

export const secretEnvVars: Readonly<Record<string, string> & { generic: string }> = {
  ...secretEnvVarsOfNetworks(),
  generic: genericSecret.envVar,
};
