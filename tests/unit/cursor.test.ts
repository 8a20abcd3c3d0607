import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../lib/domain/leaderboards/cursor';

describe('board cursors', () => {
  it('round-trip', () => {
    expect(decodeCursor(encodeCursor({ v: '20261125-abc', p: 40 }))).toEqual({ v: '20261125-abc', p: 40 });
  });

  it('are null when forged or garbled', () => {
    for (const raw of [
      '',
      'abc',
      Buffer.from('{"v":1}').toString('base64url'),
      Buffer.from('[1]').toString('base64url'),
      Buffer.from('{"v":"a","p":-1}').toString('base64url'),
      Buffer.from('{"v":"a","p":1.5}').toString('base64url'),
      Buffer.from('{"v":"a","p":1,"x":0}').toString('base64url'),
    ]) {
      expect(decodeCursor(raw)).toBeNull();
    }
  });
});
