import { isDid } from './did';

/** Jetstream's own limit on `wantedDids`. */
export const MAX_WANTED_DIDS = 10_000;

/**
 * The accounts to follow, from a comma (or whitespace) separated list of DIDs; empty: every account.
 * Throws on anything that is not a DID, so a typo stops a start or a synth instead of following nobody.
 */
export const parseWantedDids = (list: string | readonly string[] | undefined): string[] => {
  const dids = [...new Set((typeof list === 'string' ? list.split(/[\s,]+/) : (list ?? [])).map((did) => String(did).trim()).filter(Boolean))];
  const invalid = dids.filter((did) => !isDid(did));
  if (invalid.length > 0) throw new Error(`not DIDs: ${invalid.join(', ')}`);
  if (dids.length > MAX_WANTED_DIDS) throw new Error(`${dids.length} DIDs to follow; Jetstream takes at most ${MAX_WANTED_DIDS}`);
  return dids;
};
