import { createHash } from 'node:crypto';

/**
 * A one-way name for an account (`network:id`): what Sway keeps of an account that opted out once
 * its traces are gone, so it can still leave it out without keeping who it was.
 */
export const accountDigest = (key: string): string => createHash('sha256').update(key).digest('base64url');
