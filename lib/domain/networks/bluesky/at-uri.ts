import { DidSchema } from './jetstream-event';

export interface RecordAddress {
  uri: string;
  did: string;
  collection: string;
  rkey: string;
}

export const atUri = (did: string, collection: string, rkey: string): string => `at://${did}/${collection}/${rkey}`;

/**
 * A record's AT URI, `at://{did}/{collection}/{rkey}`, taken apart; null when it is not one, or
 * names its repository by handle: only a DID identifies an account for good.
 */
export const parseRecordUri = (uri: string): RecordAddress | null => {
  const match = /^at:\/\/([^/?#]+)\/([^/?#]+)\/([^/?#]+)$/.exec(uri);
  if (!match) return null;
  const [, did = '', collection = '', rkey = ''] = match;
  return DidSchema.safeParse(did).success ? { uri, did, collection, rkey } : null;
};
