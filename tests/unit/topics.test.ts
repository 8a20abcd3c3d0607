import { describe, expect, it } from 'vitest';
import { hashtagTopics, toTopicSlug, topicsOf } from '../../lib/domain/topics/extract';

describe('topics', () => {
  it('turns hashtags into topic slugs', () => {
    expect(hashtagTopics('The #Higgs boson! #CERN_2012 and #Élan, not an#anchor or &#38;')).toEqual(['higgs', 'cern-2012', 'elan']);
  });

  it('finds a hashtag at the start of the text and after punctuation, never inside a word, a URL or an HTML entity', () => {
    expect(hashtagTopics('#physics at CERN, (#LHC) "#Higgs" and.#atlas;#cms')).toEqual(['physics', 'lhc', 'higgs', 'atlas', 'cms']);
    expect(hashtagTopics('email#tag snake_#case 42#answer ##double https://example.org/page#section it&#39;s &#x27;')).toEqual([]);
  });

  it('reads hashtags in any script, starting with a letter, a digit or _, and drops those that leave no slug', () => {
    expect(hashtagTopics('#Ünïcödé #日本語2024 #２０２５ #2026 #_tag #physics- #quantum--field')).toEqual([
      'unicode',
      '2024',
      '2025',
      '2026',
      'tag',
      'physics',
      'quantum-field',
    ]);
    expect(hashtagTopics('#日本 #-dash #___ #physics')).toEqual(['physics']);
  });

  it('makes one slug of a name: each run of separators becomes one -, none leads or trails', () => {
    expect(toTopicSlug('Quantum  Field -- Theory')).toBe('quantum-field-theory');
    expect(toTopicSlug('  #General Chat! ')).toBe('general-chat');
    expect(toTopicSlug('__init__')).toBe('init');
    expect(toTopicSlug('C++ / Rust')).toBe('c-rust');
    expect(toTopicSlug('Éléments de physique')).toBe('elements-de-physique');
  });

  it('cuts a slug at 64 characters without leaving a - at the cut', () => {
    expect(toTopicSlug(`${'a'.repeat(63)} physics`)).toBe('a'.repeat(63));
    expect(toTopicSlug(`${'a'.repeat(64)} b`)).toBe('a'.repeat(64));
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
