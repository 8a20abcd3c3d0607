import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { acceptedValues, env, requireEnv } from '../../wiring/config';
import { acceptedApiKeys, siteApiKey } from '../secrets/secrets';
import { documentClient } from '../dynamodb/dynamodb-client';
import { LookupRateStore, type LookupCounter } from '../dynamodb/lookup-rate-store';
import { Table } from '../dynamodb/table';
import { problems } from './problem';
import { header } from './request';
import { sameSecret } from '../../domain/networks/signature';

/** Lookups one API key may make per second before it gets 429 (SWAY_API_KEY_RATE). */
export const DEFAULT_API_KEY_RATE = 50;

let tableCounter: LookupCounter | undefined;
/** The count in the function's table; built on first use (every HTTP function carries this middleware, most never count). */
const countInTable = (): LookupCounter => (tableCounter ??= new LookupRateStore(new Table(documentClient(), requireEnv(env.tableName))));

/**
 * Lookups behind API keys, when any are configured (SWAY_API_KEYS locally, the `sway/api-keys`
 * secret in AWS): 401 without a valid `x-api-key`, 429 with Retry-After once a key is over its
 * rate in the current second, counted in the table across every instance (`counter`). Wrong keys
 * are refused before they count. Only the functions that serve lookups carry it (`httpHandler`'s
 * `lookup`), so the others neither bundle nor run it.
 */
export const apiKeyAccess = (counter: () => LookupCounter = countInTable): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => ({
  before: async ({ event }) => {
    const keys = await acceptedApiKeys();
    if (keys.length === 0) return;
    const given = header(event, 'x-api-key') ?? '';
    // The pages' own lookups, through CloudFront: held by the lookup routes' throttle and CloudFront's cache, not by a key's rate.
    const siteKey = await siteApiKey();
    if (siteKey !== undefined && acceptedValues(siteKey).some((value) => sameSecret(given, value))) return;
    const key = keys.find((accepted) => sameSecret(given, accepted));
    if (key === undefined) throw problems.unauthorized('Lookups need a valid x-api-key.');
    const rate = Number(process.env[env.apiKeyRate]) || DEFAULT_API_KEY_RATE;
    if ((await counter().count(key, new Date())) > rate) {
      // The count is per clock second: the next one starts within a second.
      throw problems.tooManyRequests(`This API key is over its rate of ${rate} lookups per second; retry after 1 s.`, 1);
    }
  },
});
