import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hasValidSignature } from '../../lib/domain/networks/signature';

const hex = { prefix: 'sha256=', encoding: 'hex' } as const;

describe('hasValidSignature', () => {
  const body = Buffer.from('{"interactions":[{"text":"caf\u00e9 \ud83d\ude80"}]}');
  const good = `sha256=${createHmac('sha256', 'secret').update(body).digest('hex')}`;

  it('accepts the HMAC of the exact raw bytes', () => {
    expect(hasValidSignature('secret', body, good, hex)).toBe(true);
  });

  it('refuses another secret, another body, a missing or malformed header', () => {
    expect(hasValidSignature('other', body, good, hex)).toBe(false);
    expect(hasValidSignature('secret', Buffer.concat([body, Buffer.from(' ')]), good, hex)).toBe(false);
    expect(hasValidSignature('secret', body, undefined, hex)).toBe(false);
    expect(hasValidSignature('secret', body, good.replace('sha256=', 'sha1='), hex)).toBe(false);
    expect(hasValidSignature('secret', body, good.slice(0, -2), hex)).toBe(false);
    expect(hasValidSignature('secret', body, `${good}00`, hex)).toBe(false);
  });

  it('supports base64 digests', () => {
    const base64 = `sha256=${createHmac('sha256', 's').update(body).digest('base64')}`;
    expect(hasValidSignature('s', body, base64, { prefix: 'sha256=', encoding: 'base64' })).toBe(true);
  });
});
