/**
 * Where the accepted API keys come from (the secret in AWS, SWAY_API_KEYS locally) and which routes
 * the check applies to. The 401/429 answers through the real handlers are in
 * tests/integration/api-keys.test.ts.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiKeyAccess } from '../../lib/adapters/http/api-keys';
import { secretsFrom } from '../../lib/adapters/secrets/secrets';
import { settingsFrom } from '../../lib/wiring/config';

const { getSecret } = vi.hoisted(() => ({ getSecret: vi.fn() }));
vi.mock('@aws-lambda-powertools/parameters/secrets', () => ({ getSecret }));

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sway/api-keys-AbCdEf';

/** A function's variables: in AWS the secrets' ARNs, on one machine the values. */
let variables: Record<string, string>;
beforeEach(() => {
  variables = {};
  getSecret.mockReset();
});

describe('the accepted API keys', () => {
  it('reads the comma list of the secret in AWS, cached five minutes, trimmed', async () => {
    variables.SWAY_API_KEYS_SECRET_ARN = SECRET_ARN;
    variables.SWAY_API_KEYS = 'ignored-in-aws';
    getSecret.mockResolvedValue({ keys: ' k1, k2 ,,' });
    expect(await secretsFrom(variables).apiKeys()).toEqual(['k1', 'k2']);
    expect(getSecret).toHaveBeenCalledWith(SECRET_ARN, { transform: 'json', maxAge: 300 });
  });

  it('treats an empty list in the secret as open', async () => {
    variables.SWAY_API_KEYS_SECRET_ARN = SECRET_ARN;
    getSecret.mockResolvedValue({ keys: '' });
    expect(await secretsFrom(variables).apiKeys()).toEqual([]);
  });

  it('reads SWAY_API_KEYS locally, without Secrets Manager', async () => {
    variables.SWAY_API_KEYS_SECRET_ARN = '';
    variables.SWAY_API_KEYS = 'a,b';
    expect(await secretsFrom(variables).apiKeys()).toEqual(['a', 'b']);
    expect(getSecret).not.toHaveBeenCalled();
  });
});

describe('apiKeyAccess', () => {
  /** A count per key and second, as the table keeps it (tests/integration/api-keys.test.ts counts in DynamoDB Local). */
  const counts = new Map<string, number>();
  const counter = {
    count: (key: string, at: Date) => {
      const window = `${key}@${Math.floor(at.getTime() / 1000)}`;
      counts.set(window, (counts.get(window) ?? 0) + 1);
      return Promise.resolve(counts.get(window)!);
    },
  };
  beforeEach(() => {
    counts.clear();
    vi.useFakeTimers({ now: new Date('2026-12-04T12:00:00.100Z'), toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const run = async (routeKey: string, headers: Record<string, string> = {}) => {
    const event = { routeKey, headers } as unknown as APIGatewayProxyEventV2;
    const ports = { secrets: secretsFrom(variables), settings: () => settingsFrom(variables), stores: () => ({ lookupRates: counter }) };
    return apiKeyAccess(ports).before!({ event, context: {} as Context, response: null, error: null, internal: {} });
  };

  // Which functions carry it at all (the lookups, and only they): tests/codebase/lookup-functions.test.ts.
  it('checks a key only when keys are configured', async () => {
    variables.SWAY_API_KEYS_SECRET_ARN = '';
    variables.SWAY_API_KEYS = 'k1';
    await expect(run('GET /v1/accounts/{network}/{idOrHandle}')).rejects.toMatchObject({ status: 401 });
    await expect(run('GET /v1/accounts/{network}/{idOrHandle}', { 'x-api-key': 'k1' })).resolves.toBeUndefined();
    await expect(run('GET /v1/accounts/{network}/{idOrHandle}', { 'x-api-key': 'k2' })).rejects.toMatchObject({ status: 401 });
    variables.SWAY_API_KEYS = '';
    await expect(run('GET /v1/accounts/{network}/{idOrHandle}')).resolves.toBeUndefined();
  });

  it("lets the pages' site key through uncounted, its current and its previous value while CloudFront moves over", async () => {
    variables.SWAY_API_KEYS_SECRET_ARN = '';
    variables.SWAY_API_KEYS = 'k1';
    variables.SWAY_SITE_KEY_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sway/site-key-AbCdEf';
    getSecret.mockResolvedValue({ current: 'site-new', previous: 'site-old' });
    const lookup = (key: string) => run('GET /v1/topics', { 'x-api-key': key });
    await expect(lookup('site-new')).resolves.toBeUndefined();
    await expect(lookup('site-old')).resolves.toBeUndefined();
    await expect(lookup('site-other')).rejects.toMatchObject({ status: 401 });
    expect(counts.size).toBe(0);
    expect(getSecret).toHaveBeenCalledWith('arn:aws:secretsmanager:eu-west-1:123456789012:secret:sway/site-key-AbCdEf', { transform: 'json', maxAge: 300 });
    getSecret.mockResolvedValue({ current: 'site-new', previous: '' });
    await expect(lookup('site-old')).rejects.toMatchObject({ status: 401 });
  });

  it('holds each key to SWAY_API_KEY_RATE lookups a second, then answers 429 with Retry-After', async () => {
    variables.SWAY_API_KEYS_SECRET_ARN = '';
    variables.SWAY_API_KEYS = 'k1,k2';
    variables.SWAY_API_KEY_RATE = '2';
    const lookup = (key: string) => run('GET /v1/topics', { 'x-api-key': key });
    await lookup('k1');
    await lookup('k1');
    const refused = await lookup('k1').catch((problem: unknown) => problem);
    expect(refused).toMatchObject({ status: 429, headers: { 'retry-after': '1' } });
    await expect(lookup('k2')).resolves.toBeUndefined();
    // The next second counts afresh.
    vi.setSystemTime(new Date('2026-12-04T12:00:01.000Z'));
    await expect(lookup('k1')).resolves.toBeUndefined();
    // Refused keys are not counted.
    await expect(lookup('nope')).rejects.toMatchObject({ status: 401 });
    expect([...counts.keys()].some((key) => key.startsWith('nope'))).toBe(false);
  });
});
