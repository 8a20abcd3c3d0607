import { describe, expect, it } from 'vitest';
import { statusText } from '../../../lib/domain/networks/mastodon/normalize';
import { mastodonWebhook } from '../../../lib/domain/networks/mastodon/source';
import { fixture } from '../../support/webhook-deliveries';
import { normalizeFixture } from './normalize-fixture';

const normalize = (file: string) => normalizeFixture(mastodonWebhook, 'mastodon', file);
/** A fixture as Mastodon could as well have sent it: the same status with some of its fields changed. */
const variant = (file: string, change: (status: Record<string, any>) => void) => {
  const delivery = JSON.parse(fixture('mastodon', file).toString('utf8'));
  change(delivery.object);
  return normalizeFixture(mastodonWebhook, 'mastodon', file, { body: Buffer.from(JSON.stringify(delivery)) });
};
const statusOf = (file: string) => JSON.parse(fixture('mastodon', file).toString('utf8')).object;
const ADA = '109372843109478301';
const BEN = '110203948573610442';
const CLEO = '111455020983377120';

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
      expect.objectContaining({
        id: '113520447281912345',
        type: 'post',
        topics: ['urbanecology', 'birds'],
        text: expect.stringContaining('old brewery & the count'),
      }),
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

  it('reads a reply to one’s own status, the next status of a thread, as a post', () => {
    const thread = variant('status-created-reply.json', (status) => {
      status.in_reply_to_account_id = BEN;
      status.mentions = [];
    });
    expect(thread.interactions.map((interaction) => [interaction.type, interaction.target])).toEqual([['post', undefined]]);
    // A status that does not say whose status it answers (in_reply_to_account_id null) replies to no one Sway knows: a post.
    const unknown = variant('status-created-reply.json', (status) => (status.in_reply_to_account_id = null));
    expect(unknown.interactions.map((interaction) => interaction.type)).toEqual(['post', 'mention', 'mention']);
  });

  it('takes a reply’s target from the mention of the account it answers, wherever that mention is listed', () => {
    const reordered = variant('status-created-reply.json', (status) => status.mentions.reverse());
    expect(reordered.interactions.map((interaction) => [interaction.type, interaction.target])).toEqual([
      ['reply', { id: ADA, handle: 'ada@example.social' }],
      ['mention', { id: CLEO, handle: 'cleo@fedi.garden' }],
    ]);
  });

  it('reads a reply that lists neither mentions nor tags as a reply to the account id alone, without topics', () => {
    const bare = variant('status-created-reply.json', (status) => {
      delete status.mentions;
      delete status.tags;
    });
    expect(bare.interactions).toEqual([
      expect.objectContaining({ id: '113520531177203388', type: 'reply', target: { id: ADA }, parentContentId: '113520447281912345' }),
    ]);
    expect(bare.interactions[0]).not.toHaveProperty('topics');
  });

  it('reads a quote post (Mastodon 4.4) as a quote of the quoted status’s author', () => {
    const quote = variant('status-created-post.json', (status) => {
      Object.assign(status, {
        id: '113520650000000001',
        account: statusOf('status-created-reblog.json').account,
        content: '<p>Look at these numbers!</p>',
        tags: [],
      });
      status.quote = { state: 'accepted', quoted_status: statusOf('status-created-post.json') };
    });
    expect(quote.interactions).toEqual([
      {
        id: '113520650000000001',
        network: 'mastodon',
        type: 'quote',
        actor: { id: CLEO, handle: 'cleo@fedi.garden' },
        target: { id: ADA, handle: 'ada' },
        contentId: '113520650000000001',
        parentContentId: '113520447281912345',
        text: 'Look at these numbers!',
        occurredAt: '2026-11-20T09:30:12.000Z',
      },
    ]);
  });

  it('reads a content warning before the text, and a status without a visibility as public', () => {
    const warned = variant('status-created-post.json', (status) => {
      status.spoiler_text = 'Bird count results';
      status.content = '<p>Swifts are up 30%.</p>';
      delete status.visibility;
    });
    expect(warned.interactions.map((interaction) => interaction.text)).toEqual(['Bird count results\n\nSwifts are up 30%.']);
  });

  it('leaves out tags that make no topic', () => {
    const tagged = variant('status-created-post.json', (status) => (status.tags = [{ name: '日本語' }, { name: 'birds' }]));
    expect(tagged.interactions[0]?.topics).toEqual(['birds']);
  });

  it('keeps at most 256 characters of a handle, for accounts on servers with long domain names', () => {
    const acct = `benjamin_hartmann@${Array.from({ length: 4 }, (_, label) => `${'birds'.repeat(12)}${label}`).join('.')}.town`;
    const { interactions } = variant('status-created-post.json', (status) => (status.account.acct = acct));
    expect(acct.length).toBeGreaterThan(256);
    expect(interactions[0]?.actor).toEqual({ id: ADA, handle: acct.slice(0, 256) });
  });

  it('never scores direct messages, and acknowledges account events as ignored', () => {
    expect(normalize('status-created-direct.json')).toEqual({ interactions: [], retractions: [], ignored: 1 });
    expect(normalize('account-created.json')).toEqual({ interactions: [], retractions: [], ignored: 1 });
  });

  it('turns status HTML into text', () => {
    expect(statusText('<p>a &lt;b&gt; &amp; c<br>d</p><p>e</p>')).toBe('a <b> & c\nd\n\ne');
    expect(statusText('')).toBeUndefined();
    expect(statusText(null)).toBeUndefined();
    expect(statusText(undefined)).toBeUndefined();
    // Paragraphs apart, with attributes, and the whitespace around them.
    expect(statusText('<p>a</p>\n<p dir="ltr">b</p>\n')).toBe('a\n\nb');
  });
});
