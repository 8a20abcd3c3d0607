import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { acceptedValues } from '../../wiring/config';
import type { SecretSource } from '../secrets/secrets';
import type { LookupCounter } from '../dynamodb/lookup-rate-store';
import { problems } from './problem';
import { header } from './request';
import { sameSecret } from '../../domain/networks/signature';

/** What the check reads: the keys, the rate, and the count kept in the table. */
export interface ApiKeyPorts {
  secrets: Pick<SecretSource, 'apiKeys' | 'siteKey'>;
  settings: () => { apiKeyRate: number };
  stores: () => { lookupRates: LookupCounter };
}

/**
 * Lookups behind API keys, when any are configured (SWAY_API_KEYS locally, the `sway/api-keys`
 * secret in AWS): 401 without a valid `x-api-key`, 429 with Retry-After once a key is over its
 * rate in the current second, counted in the table across every instance. Wrong keys
 * are refused before they count. Only the functions that serve lookups carry it (`httpHandler`'s
 * `lookup`), so the others neither bundle nor run it.
 */
export const apiKeyAccess = ({ secrets, settings, stores }: ApiKeyPorts): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => ({
  before: async ({ event }) => {
    const keys = await secrets.apiKeys();
    if (keys.length === 0) return;
    const given = header(event, 'x-api-key') ?? '';
    // The pages' own lookups, through CloudFront: held by the lookup routes' throttle and CloudFront's cache, not by a key's rate.
    const siteKey = await secrets.siteKey();
    if (siteKey !== undefined && acceptedValues(siteKey).some((value) => sameSecret(given, value))) return;
    const key = keys.find((accepted) => sameSecret(given, accepted));
    if (key === undefined) throw problems.unauthorized('Lookups need a valid x-api-key.');
    const { apiKeyRate: rate } = settings();
    if ((await stores().lookupRates.count(key, new Date())) > rate) {
      // The count is per clock second: the next one starts within a second.
      throw problems.tooManyRequests(`This API key is over its rate of ${rate} lookups per second; retry after 1 s.`, 1);
    }
  },
});
