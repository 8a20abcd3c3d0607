/** Where a webhook secret and its previous value come from: its own Secrets Manager secret in AWS, two variables locally. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { secretsFrom } from '../../lib/adapters/secrets/secrets';
import { genericSecret } from '../../lib/domain/networks/webhook-source';

const { getSecret } = vi.hoisted(() => ({ getSecret: vi.fn() }));
vi.mock('@aws-lambda-powertools/parameters/secrets', () => ({ getSecret }));

const VERIFY_TOKEN = { name: 'metaVerifyToken', envVar: 'SWAY_META_VERIFY_TOKEN' };
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sway/secrets/metaVerifyToken-AbCdEf';

/** A function's variables: in AWS the secrets' ARNs, on one machine the values. */
let variables: Record<string, string>;
beforeEach(() => {
  variables = {};
  getSecret.mockReset();
});

describe('a webhook secret', () => {
  it('reads {"current", "previous"} from the secret its own variable names in AWS, cached five minutes', async () => {
    variables.SWAY_SECRETS_ARN_META_VERIFY_TOKEN = ARN;
    variables.SWAY_META_VERIFY_TOKEN = 'ignored-in-aws';
    getSecret.mockResolvedValue({ current: 'new', previous: 'old' });
    const webhookSecret = secretsFrom(variables).webhook;
    const { acceptedValues } = await import('../../lib/wiring/config');
    const secret = await webhookSecret(VERIFY_TOKEN);
    expect(secret).toEqual({ current: 'new', previous: 'old' });
    expect(acceptedValues(secret!)).toEqual(['new', 'old']);
    expect(getSecret).toHaveBeenCalledWith(ARN, { transform: 'json', maxAge: 300 });
  });

  it('is not configured without a current value, and has no previous one when it is empty', async () => {
    variables.SWAY_SECRETS_ARN_META_VERIFY_TOKEN = ARN;
    const webhookSecret = secretsFrom(variables).webhook;
    const { acceptedValues } = await import('../../lib/wiring/config');
    getSecret.mockResolvedValue({ current: '', previous: 'old' });
    expect(await webhookSecret(VERIFY_TOKEN)).toBeUndefined();
    getSecret.mockResolvedValue({ current: 'new', previous: '' });
    const secret = await webhookSecret(VERIFY_TOKEN);
    expect(secret).toEqual({ current: 'new' });
    expect(acceptedValues(secret!)).toEqual(['new']);
  });

  it('reads the variable and its _PREVIOUS locally, without Secrets Manager', async () => {
    variables.SWAY_SECRETS_ARN_GENERIC = '';
    variables.SWAY_SECRET_GENERIC = 'new';
    variables.SWAY_SECRET_GENERIC_PREVIOUS = 'old';
    const webhookSecret = secretsFrom(variables).webhook;
    expect(await webhookSecret(genericSecret)).toEqual({ current: 'new', previous: 'old' });
    expect(getSecret).not.toHaveBeenCalled();
  });
});

describe('secretArnEnvVar', () => {
  it('names one variable per secret', async () => {
    const { secretArnEnvVar } = await import('../../lib/wiring/config');
    const { secretEnvVars } = await import('../../lib/wiring/secret-variables');
    expect(secretArnEnvVar('metaVerifyToken')).toBe('SWAY_SECRETS_ARN_META_VERIFY_TOKEN');
    const names = Object.keys(secretEnvVars).map((name) => secretArnEnvVar(name));
    expect(new Set(names).size).toBe(names.length);
  });
});
