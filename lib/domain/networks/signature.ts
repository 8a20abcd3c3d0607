import { createHmac, timingSafeEqual } from 'node:crypto';

/** Whether two secrets are equal, in time that does not depend on where they differ. */
export const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
};

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
  return sameSecret(header.slice(prefix.length), hmacSha256(secret, rawBody, encoding));
};
