import { describe, expect, it } from 'vitest';
import { statusText } from '../../../lib/networks/mastodon/normalize';
import { mastodonWebhook } from '../../../lib/networks/mastodon/source';
import { normalizeFixture } from './normalize-fixture';

const normalize = (file: string) => normalizeFixture(mastodonWebhook, 'mastodon', file);

describe('Mastodon webhook deliveries', () => {
  it('reads a reply with its plain text, tags and the other accounts it mentions', () => {
    const { interactions } = normalize('status-created-reply.json');
    expect(interactions).toEqual([
      {
        id: '113520531177203388',
        network: 'mastodon',
        type: 'reply',
        actor: { id: '110203948573610442', handle: 'ben@birds.town' },
        target: { id: '109372843109478301', handle: 'ada@example.social' },
        contentId: '113520531177203388',
        parentContentId: '113520447281912345',
        text: "@ada That's wonderful news! Did @cleo count the nests too? 🏭➡️🐦\nDonnées ouvertes ? #CitizenScience",
        topics: ['citizenscience'],
        occurredAt: '2026-11-20T10:01:44.000Z',
      },
      {
        id: '113520531177203388:mention:111455020983377120',
        network: 'mastodon',
        type: 'mention',
        actor: { id: '110203948573610442', handle: 'ben@birds.town' },
        target: { id: '111455020983377120', handle: 'cleo@fedi.garden' },
        contentId: '113520531177203388',
        topics: ['citizenscience'],
        occurredAt: '2026-11-20T10:01:44.000Z',
      },
    ]);
  });

  it('gives an edited status the ids of the original', () => {
    const edited = normalize('status-updated-reply.json').interactions;
    expect(edited.map((interaction) => interaction.id)).toEqual(normalize('status-created-reply.json').interactions.map((interaction) => interaction.id));
    expect(edited[0]?.text).toContain('(edit: typo)');
  });

  it('reads a post with its tags, and a reblog as a share of the original', () => {
    expect(normalize('status-created-post.json').interactions).toEqual([
      expect.objectContaining({ id: '113520447281912345', type: 'post', topics: ['urbanecology', 'birds'], text: expect.stringContaining('old brewery & the count') }),
    ]);
    expect(normalize('status-created-reblog.json').interactions).toEqual([
      {
        id: '113520600012998877',
        network: 'mastodon',
        type: 'share',
        actor: { id: '111455020983377120', handle: 'cleo@fedi.garden' },
        target: { id: '109372843109478301', handle: 'ada' },
        contentId: '113520600012998877',
        parentContentId: '113520447281912345',
        topics: ['urbanecology', 'birds'],
        occurredAt: '2026-11-20T10:19:05.000Z',
      },
    ]);
  });

  it('never scores direct messages, and acknowledges account events as ignored', () => {
    expect(normalize('status-created-direct.json')).toEqual({ interactions: [], retractions: [], ignored: 1 });
    expect(normalize('account-created.json')).toEqual({ interactions: [], retractions: [], ignored: 1 });
  });

  it('turns status HTML into text', () => {
    expect(statusText('<p>a &lt;b&gt; &amp; c<br>d</p><p>e</p>')).toBe('a <b> & c\nd\n\ne');
    expect(statusText('')).toBeUndefined();
  });
});
