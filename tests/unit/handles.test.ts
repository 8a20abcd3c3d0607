import { describe, expect, it } from 'vitest';
import { HandleSightings } from '../../lib/interactions/handles';

describe('HandleSightings', () => {
  it('keeps the handle of the latest day, whatever the order seen', () => {
    const sightings: [string, string][] = [
      ['old', '2026-01-01'],
      ['new', '2026-03-01'],
      ['middle', '2026-02-01'],
    ];
    for (const order of [sightings, [...sightings].reverse()]) {
      const handles = new HandleSightings();
      for (const [handle, day] of order) handles.saw('x:1', handle, day);
      expect(handles.handleOf('x:1')).toBe('new');
    }
  });

  it('breaks a same-day tie the same way every time and ignores missing handles', () => {
    const a = new HandleSightings();
    a.saw('x:1', 'alpha', '2026-01-01');
    a.saw('x:1', 'beta', '2026-01-01');
    a.saw('x:1', undefined, '2026-12-01');
    const b = new HandleSightings();
    b.saw('x:1', 'beta', '2026-01-01');
    b.saw('x:1', 'alpha', '2026-01-01');
    const merged = new HandleSightings();
    merged.merge(b);
    expect([a.handleOf('x:1'), b.handleOf('x:1'), merged.handleOf('x:1'), merged.handleOf('x:2')]).toEqual(['beta', 'beta', 'beta', null]);
  });
});
