/**
 * The opt-outs a warm function keeps: one read of the epoch a call, the list again only when the
 * epoch moved, and the same answer the accounts' own opt-out records would give.
 */
import { describe, expect, it } from 'vitest';
import { accountDigest } from '../../../lib/domain/interactions/account-digest';
import { KnownOptOuts, knownOptOutsOf } from '../../../lib/adapters/dynamodb/consent-store';

/** A consent store in memory that counts its reads; `optOut` moves the epoch with the list, as the store's transaction does. */
const consent = () => {
  const digests = new Set<string>();
  let epoch = 0;
  const reads = { epoch: 0, lists: 0 };
  return {
    reads,
    optOut: (account: string) => {
      digests.add(accountDigest(account));
      epoch++;
    },
    port: {
      optOutEpoch: async () => {
        reads.epoch++;
        return epoch;
      },
      optOutState: async () => {
        reads.lists++;
        return { epoch, digests: new Set(digests), unpurged: new Set<string>() };
      },
    },
  };
};

describe('KnownOptOuts', () => {
  it('answers which accounts opted out, reading the list again only after the epoch moved', async () => {
    const store = consent();
    store.optOut('x:gone');
    const known = new KnownOptOuts(store.port);
    expect(await known.among(['x:gone', 'x:here', 'bsky:gone'])).toEqual(new Set(['x:gone']));
    expect(await known.among(['x:here'])).toEqual(new Set());
    expect(store.reads).toEqual({ epoch: 2, lists: 1 });

    store.optOut('x:here');
    expect(await known.among(['x:gone', 'x:here'])).toEqual(new Set(['x:gone', 'x:here']));
    expect(store.reads).toEqual({ epoch: 3, lists: 2 });
  });

  it('takes an epoch the caller has just read instead of reading it again', async () => {
    const store = consent();
    const known = new KnownOptOuts(store.port);
    expect((await known.current(0)).epoch).toBe(0);
    expect(store.reads.epoch).toBe(0);
    store.optOut('x:late');
    // The caller saw the epoch move: the list is read again and holds the new opt-out.
    const state = await known.current(1);
    expect(state.digests.has(accountDigest('x:late'))).toBe(true);
  });

  it('is one per consent store in a process', () => {
    const a = consent().port;
    const b = consent().port;
    expect(knownOptOutsOf(a)).toBe(knownOptOutsOf(a));
    expect(knownOptOutsOf(a)).not.toBe(knownOptOutsOf(b));
  });
});
