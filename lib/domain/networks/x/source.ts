import { hmacSha256 } from '../signature';
import { hmacOfBody, parseWith, type WebhookSource } from '../webhook-source';
import { normalizeX } from './normalize';
import { XWebhookSchema, type XWebhook } from './schema';

/** The answer to X's challenge-response check (CRC): the token signed with the consumer secret. */
export const crcResponseToken = (consumerSecret: string, crcToken: string): string => `sha256=${hmacSha256(consumerSecret, crcToken, 'base64')}`;

/** X Account Activity API: signed with the app's consumer secret, base64 HMAC-SHA256 of the body. */
export const xWebhook: WebhookSource<XWebhook> = {
  name: 'x',
  secret: 'x',
  mediaTypes: ['application/json'],
  verify: hmacOfBody('x-twitter-webhooks-signature', { prefix: 'sha256=', encoding: 'base64' }),
  parse: (document) => parseWith(XWebhookSchema, document, (data) => data),
  normalize: (payload) => normalizeX(payload),
};
