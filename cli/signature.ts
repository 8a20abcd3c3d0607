import { hmacSha256 } from '../lib/domain/networks/signature';

export const SIGNATURE_HEADER = 'x-sway-signature';

/** The `x-sway-signature` value for a body: computed over the exact bytes that are sent. */
export const signatureOf = (secret: string, body: Uint8Array): string => `sha256=${hmacSha256(secret, Buffer.from(body), 'hex')}`;
