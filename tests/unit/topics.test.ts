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

  it('merges explicit topics and hashtags, sorted and without repeats', () => {
    expect(topicsOf({ topics: ['physics', 'cern'], text: '#physics #LHC' })).toEqual(['cern', 'lhc', 'physics']);
    expect(topicsOf({})).toEqual([]);
  });
});
