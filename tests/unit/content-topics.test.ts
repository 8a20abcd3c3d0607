import { describe, expect, it } from 'vitest';
import { contentKey, parentsToLookUp, resolveTopics } from '../../lib/aggregation/content-topics';
import { interaction } from '../support/interactions';

describe('resolving the topics of a message', () => {
  it('looks up only the content that reactions without topics of their own engage with, once each', () => {
    const refs = parentsToLookUp([
      interaction({ type: 'like', parentContentId: 'c1' }),
      interaction({ type: 'like', parentContentId: 'c1' }),
      interaction({ type: 'like', parentContentId: 'c2', topics: ['own'] }),
      interaction({ type: 'reply', parentContentId: 'c3', text: 'nice #tag' }),
      interaction({ type: 'like' }),
    ]);
    expect(refs).toEqual([{ network: 'x', contentId: 'c1' }]);
  });

  it('inherits what an earlier interaction of the message says, else what is stored', () => {
    const early = interaction({ type: 'like', id: 'early', parentContentId: 'c1' });
    const post = interaction({ type: 'post', id: 'post', contentId: 'c1', text: 'fresh #astro' });
    const late = interaction({ type: 'like', id: 'late', parentContentId: 'c1' });
    const elsewhere = interaction({ type: 'like', id: 'elsewhere', parentContentId: 'c9' });
    const { resolved, remembered } = resolveTopics([early, post, late, elsewhere], new Map([[contentKey('x', 'c1'), ['stored']]]));

    expect(resolved.map(({ interaction: { id }, topics }) => [id, topics])).toEqual([
      ['early', ['stored']],
      ['post', ['astro']],
      ['late', ['astro']],
      ['elsewhere', []],
    ]);
    expect(remembered).toEqual([{ network: 'x', contentId: 'c1', topics: ['astro'], occurredAt: post.occurredAt }]);
  });

  it('remembers the last word on each piece of content', () => {
    const first = interaction({ type: 'post', contentId: 'c5', topics: ['one'] });
    const edit = interaction({ type: 'post', contentId: 'c5', topics: ['two'] });
    expect(resolveTopics([first, edit], new Map()).remembered.map((content) => content.topics)).toEqual([['two']]);
  });
});
