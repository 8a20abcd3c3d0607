import { describe, expect, it } from 'vitest';
import { searchTarget } from '../../../web/browser/search-target';
import { notFoundPage, webFileFor, webPages } from '../../../web/site';

describe('webFileFor', () => {
  it('maps every page path to its file', () => {
    expect(webFileFor('/')).toBe('index.html');
    expect(webFileFor('/topics/astronomy')).toBe('topic.html');
    expect(webFileFor('/accounts/x/1201711168')).toBe('account.html');
    expect(webFileFor('/accounts/bluesky/did%3Aplc%3Aabc')).toBe('account.html');
    expect(webFileFor('/method')).toBe('method.html');
    expect(webFileFor('/find')).toBe('find.html');
  });

  it('maps content-hashed assets to themselves', () => {
    expect(webFileFor('/assets/topic-5UDFZQB3.js')).toBe('assets/topic-5UDFZQB3.js');
    expect(webFileFor('/assets/site-2B2EHBHH.css')).toBe('assets/site-2B2EHBHH.css');
  });

  it('knows nothing else, so the server answers it with the 404 page', () => {
    for (const path of [
      '/topics',
      '/topics/',
      '/topics/a/b',
      '/accounts/x',
      '/accounts/x/1/explain',
      '/find/',
      '/find/x',
      '/index.html',
      '/assets/../secret.js',
      '/assets/a.map',
      '/v1/topics',
      '/favicon.ico',
    ]) {
      expect(webFileFor(path), path).toBeUndefined();
    }
    expect(webPages.map((page) => page.file)).not.toContain(notFoundPage);
  });
});

describe('the search box', () => {
  it('goes to an account page for network:handle', () => {
    expect(searchTarget('x:alice')).toEqual({ href: '/accounts/x/alice' });
    expect(searchTarget(' Mastodon: @maya@fosstodon.org ')).toEqual({ href: '/accounts/mastodon/maya%40fosstodon.org' });
    expect(searchTarget('bluesky:did:plc:abc')).toEqual({ href: '/accounts/bluesky/did%3Aplc%3Aabc' });
  });

  it('goes to a topic page for anything else, slugged as hashtags are', () => {
    expect(searchTarget('astronomy')).toEqual({ href: '/topics/astronomy' });
    expect(searchTarget('#Urban_Cycling')).toEqual({ href: '/topics/urban-cycling' });
    expect(searchTarget('open source')).toEqual({ href: '/topics/open-source' });
    expect(searchTarget('Node.js')).toEqual({ href: '/topics/node-js' });
    expect(searchTarget('Café')).toEqual({ href: '/topics/cafe' });
    expect(searchTarget('rock&roll')).toEqual({ href: '/topics/rock-roll' });
  });

  it('says why it cannot go anywhere', () => {
    expect(searchTarget('   ')).toHaveProperty('error');
    expect(searchTarget('!!!')).toHaveProperty('error');
    expect(searchTarget('bad!net:alice')).toHaveProperty('error');
  });
});
