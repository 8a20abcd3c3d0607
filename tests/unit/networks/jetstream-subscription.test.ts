/**
 * What the Bluesky consumer asks Jetstream for, locally and in Lambda alike: Sway's collections
 * (`wantedCollections`), the accounts of SWAY_JETSTREAM_WANTED_DIDS (`wantedDids`) and the cursor.
 */
import { describe, expect, it } from 'vitest';
import { env, settingsFrom } from '../../../lib/wiring/config';
import { collections } from '../../../lib/domain/networks/bluesky/jetstream-event';
import { MAX_WANTED_DIDS, parseWantedDids } from '../../../lib/domain/networks/bluesky/wanted-dids';
import { subscriptionUrl } from '../../../lib/adapters/jetstream/jetstream-socket';

const base = 'wss://jetstream2.us-east.bsky.network/subscribe';
const ana = 'did:plc:ewvi7nxzyoun6zhxrhs64oiz';
const bo = 'did:web:bo.example.com';
const query = (url: string) => new URL(url).searchParams;

const wantedDidsOf = (list: string) => settingsFrom({ [env.jetstreamWantedDids]: list }).jetstream.wantedDids;

describe('the Jetstream subscription URL', () => {
  it("asks for Sway's collections and every account when no DIDs are configured", () => {
    const url = subscriptionUrl(base, undefined);
    expect(query(url).getAll('wantedCollections')).toEqual(Object.values(collections));
    expect(query(url).has('wantedDids')).toBe(false);
    expect(query(url).has('cursor')).toBe(false);
  });

  it(`follows the accounts of ${env.jetstreamWantedDids}`, () => {
    const url = subscriptionUrl(base, 1_700_000_000_000_000, wantedDidsOf(` ${ana}, ${bo} ,${ana}`));
    expect(query(url).getAll('wantedDids')).toEqual([ana, bo]);
    expect(query(url).getAll('wantedCollections')).toEqual(Object.values(collections));
    expect(query(url).get('cursor')).toBe('1700000000000000');
  });

  it('keeps wantedDids written into the URL itself unless the setting names others', () => {
    expect(query(subscriptionUrl(`${base}?wantedDids=${bo}`, undefined)).getAll('wantedDids')).toEqual([bo]);
    expect(query(subscriptionUrl(`${base}?wantedDids=${bo}`, undefined, wantedDidsOf(ana))).getAll('wantedDids')).toEqual([ana]);
  });
});

describe('the accounts to follow', () => {
  it('takes a comma or whitespace list, or a list, without repeats; nothing means every account', () => {
    expect(parseWantedDids(`${ana},${bo}`)).toEqual([ana, bo]);
    expect(parseWantedDids(`${ana}\n${bo} ${ana}`)).toEqual([ana, bo]);
    expect(parseWantedDids([ana, bo])).toEqual([ana, bo]);
    expect(parseWantedDids(undefined)).toEqual([]);
    expect(parseWantedDids(' , ')).toEqual([]);
  });

  it('refuses handles, URLs and other things that are not DIDs, and more DIDs than Jetstream takes', () => {
    expect(() => parseWantedDids(`${ana},alice.bsky.social,at://${bo}`)).toThrow(/not DIDs: alice\.bsky\.social, at:\/\//);
    const tooMany = Array.from({ length: MAX_WANTED_DIDS + 1 }, (_, i) => `did:plc:${i}`);
    expect(() => parseWantedDids(tooMany)).toThrow(/at most 10000/);
  });
});
