import { describe, expect, it } from 'vitest';
import { hashtagTopics, toTopicSlug, topicsOf } from '../../lib/topics/extract';

describe('topics', () => {
  it('turns hashtags into topic slugs', () => {
    expect(hashtagTopics('The #Higgs boson! #CERN_2012 and #Élan, not an#anchor or &#38;')).toEqual(['higgs', 'cern-2012', 'elan']);
  });

  it('refuses what leaves no slug', () => {
    expect(toTopicSlug('---')).toBeNull();
    expect(toTopicSlug('日本')).toBeNull();
    expect(toTopicSlug('x'.repeat(80))).toHaveLength(64);
  });

  it('merges explicit topics, then hashtags in the order they appear, without repeats', () => {
    expect(topicsOf({ topics: ['physics', 'cern'], text: '#physics #LHC' })).toEqual(['physics', 'cern', 'lhc']);
    expect(topicsOf({ text: '#zeta #alpha #Zeta' })).toEqual(['zeta', 'alpha']);
    expect(topicsOf({})).toEqual([]);
  });

  it('keeps at most 20 topics: the explicit ones first, then the earliest hashtags', () => {
    const text = Array.from({ length: 300 }, (_, i) => `#tag${i}`).join(' ');
    const explicit = ['physics', 'cern'];
    const topics = topicsOf({ topics: explicit, text });
    expect(topics).toHaveLength(20);
    expect(topics).toEqual([...explicit, ...Array.from({ length: 18 }, (_, i) => `tag${i}`)]);
  });
});
