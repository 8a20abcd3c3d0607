import { createHmac, timingSafeEqual } from 'node:crypto';

export const hmacSha256 = (secret: string, payload: Buffer | string, encoding: 'hex' | 'base64'): string =>
  createHmac('sha256', secret).update(payload).digest(encoding);

/**
 * Checks `header` (`<prefix><digest>`) against the HMAC-SHA256 of the exact raw bytes, in
 * constant time. Any malformed header is simply not a match.
 */
export const hasValidSignature = (
  secret: string,
  rawBody: Buffer | string,
  header: string | undefined,
  { prefix, encoding }: { prefix: string; encoding: 'hex' | 'base64' },
): boolean => {
  if (!header?.startsWith(prefix)) return false;
  const expected = Buffer.from(hmacSha256(secret, rawBody, encoding), 'utf8');
  const given = Buffer.from(header.slice(prefix.length), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
};
