import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isMetaSubscription, metaWebhook } from '../../../lib/domain/networks/meta/source';
import { fixture, testSecrets } from '../../support/webhook-deliveries';
import { normalizeFixture, parseFails, RECEIVED_AT } from './normalize-fixture';

const PAGE = '104729381926457';
const POST = '104729381926457_1188235627018851';
const at = (offsetSeconds: number) => new Date((1795197600 + offsetSeconds) * 1000).toISOString();

/** A Meta delivery of any object, as Meta batches it: entries of changes. */
const deliver = (object: string, ...entries: Record<string, unknown>[]) =>
  normalizeFixture(metaWebhook, 'meta', 'page-feed-batch.json', { body: Buffer.from(JSON.stringify({ object, entry: entries })) });
/** Page feed changes, in one entry. */
const feed = (...values: Record<string, unknown>[]) =>
  deliver('page', { id: PAGE, time: 1795197730, changes: values.map((value) => ({ field: 'feed', value })) });

const INES = { id: '6114029385521044', name: 'Inès Moreau' };
const TOMAS = { id: '9120447315568820', name: 'Tomás Alvarez' };
const COMMENT = '1188235627018851_1529043114592204';
const commentOn = (postId: string, more: Record<string, unknown> = {}) => ({
  from: INES,
  post_id: postId,
  comment_id: COMMENT,
  parent_id: postId,
  message: 'Superbe photo !',
  created_time: 1795197721,
  item: 'comment',
  verb: 'add',
  ...more,
});

describe('Meta Page feed deliveries', () => {
  const { interactions, retractions, ignored } = normalizeFixture(metaWebhook, 'meta', 'page-feed-batch.json');

  it('reads every change of every batched entry, in order', () => {
    expect(interactions.map((interaction) => `${interaction.type}:${interaction.id}`)).toEqual([
      'reply:1188235627018851_1529043114592204',
      `like:reaction:${POST}:7302558812040113`,
      'post:104729381926457_1188301174345563',
      'reply:1188235627018851_1529043114592204',
      'share:1188412990123344',
    ]);
    expect(retractions).toEqual([{ kind: 'interaction', network: 'facebook', id: `reaction:${POST}:7302558812040113`, retractedAt: at(935) }]);
    // The hidden comment.
    expect(ignored).toBe(1);
  });

  it('reads a comment as a reply to the post’s owner, with the text unescaped', () => {
    expect(interactions[0]).toEqual({
      id: '1188235627018851_1529043114592204',
      network: 'facebook',
      type: 'reply',
      actor: { id: '6114029385521044', handle: 'Inès Moreau' },
      target: { id: PAGE },
      contentId: '1188235627018851_1529043114592204',
      parentContentId: POST,
      text: 'Superbe photo du café ☕️ — on y retourne samedi ! #CoffeeLovers',
      occurredAt: at(121),
    });
  });

  it('gives an edited comment the id of the comment, so it counts once', () => {
    expect(interactions[3]?.id).toBe(interactions[0]?.id);
    expect(interactions[3]?.text).toContain('#Lyon');
  });

  it('reads the Page’s own status as a post and a visitor’s share as a share of the Page', () => {
    expect(interactions[2]).toMatchObject({
      type: 'post',
      actor: { id: PAGE, handle: 'Rue des Cafés' },
      text: expect.stringContaining('torréfaction d’hiver'),
    });
    expect(interactions[2]?.target).toBeUndefined();
    expect(interactions[4]).toMatchObject({ type: 'share', actor: { id: '9120447315568820' }, target: { id: PAGE }, contentId: '1188412990123344' });
  });

  it('reads a removed comment as the retraction of that comment', () => {
    expect(normalizeFixture(metaWebhook, 'meta', 'comment-remove.json').retractions).toEqual([
      { kind: 'content', network: 'facebook', contentId: '1188235627018851_1529043114592204', retractedAt: at(3690) },
    ]);
  });

  it('reads shares whose share_id is a number, named by from or (older deliveries) by sender_id', () => {
    expect(normalizeFixture(metaWebhook, 'meta', 'page-feed-share-numeric-ids.json')).toEqual({
      interactions: [
        {
          id: '1188519203347716',
          network: 'facebook',
          type: 'share',
          actor: { id: '8830125547712093' },
          target: { id: PAGE },
          contentId: '1188519203347716',
          text: 'Our Saturday spot ☕ #CoffeeLovers',
          occurredAt: '2026-11-20T19:13:10.000Z',
        },
        {
          id: '1188520077654321',
          network: 'facebook',
          type: 'share',
          actor: { id: '5501938810224472', handle: 'Lena Hoffmann' },
          target: { id: PAGE },
          contentId: '1188520077654321',
          text: 'Bester Kaffee in Lyon',
          occurredAt: '2026-11-20T19:13:15.000Z',
        },
      ],
      retractions: [],
      // The share the Page hid.
      ignored: 1,
    });
  });

  it('reads changes that name their author by sender_id instead of from', () => {
    const { interactions, retractions, ignored } = normalizeFixture(metaWebhook, 'meta', 'page-feed-sender-fields.json');
    const photo = '104729381926457_1188600011122233';
    expect(interactions).toEqual([
      expect.objectContaining({ id: photo, type: 'post', actor: { id: PAGE, handle: 'Rue des Cafés' }, text: 'Latte art Friday #CoffeeLovers' }),
      {
        id: '1188600011122233_1529200019283746',
        network: 'facebook',
        type: 'reply',
        actor: { id: '7302558812040113', handle: 'Kenji Watanabe' },
        target: { id: PAGE },
        contentId: '1188600011122233_1529200019283746',
        parentContentId: photo,
        text: 'Beautiful pour!',
        occurredAt: '2026-11-20T19:29:10.000Z',
      },
      {
        id: `reaction:${photo}:6114029385521044`,
        network: 'facebook',
        type: 'like',
        actor: { id: '6114029385521044' },
        target: { id: PAGE },
        parentContentId: photo,
        occurredAt: '2026-11-20T19:29:20.000Z',
      },
      expect.objectContaining({ id: '104729381926457_1188600099988877', type: 'post', actor: { id: PAGE, handle: 'Rue des Cafés' } }),
    ]);
    expect(retractions).toEqual([
      { kind: 'interaction', network: 'facebook', id: `reaction:${POST}:7302558812040113`, retractedAt: '2026-11-20T19:29:30.000Z' },
      { kind: 'content', network: 'facebook', contentId: '104729381926457_1188301174345563', retractedAt: '2026-11-20T19:29:40.000Z' },
    ]);
    // A like of the Page by a user_id too large to survive JSON parsing: no one to credit it to.
    expect(ignored).toBe(1);
  });

  it('reads a comment as a reply to the post’s owner: taken from post_id only when it is numeric and not the post itself', () => {
    const targetOf = (postId: string) => feed(commentOn(postId)).interactions[0]?.target;
    // A post id is `<owner id>_<post id>`: a post owned by another account, the comment answers that account.
    expect(targetOf(`${TOMAS.id}_1188235627018851`)).toEqual({ id: TOMAS.id });
    expect(targetOf(POST)).toEqual({ id: PAGE });
    // A post id without its owner, or with an owner part that is not a numeric id: the Page.
    expect(targetOf('1188235627018851')).toEqual({ id: PAGE });
    expect(targetOf('pfbid02kq7Xn9_1188235627018851')).toEqual({ id: PAGE });
    expect(targetOf('104729381926457pfbid_1188235627018851')).toEqual({ id: PAGE });
  });

  it('reads a comment answering a comment as a reply on that comment, beside the other changes of its batch', () => {
    const answer = commentOn(POST, { comment_id: '1188235627018851_1529043114599999', parent_id: COMMENT, from: TOMAS, message: '+1' });
    const unliked = {
      from: { id: '7302558812040113', name: 'Kenji Watanabe' },
      post_id: POST,
      created_time: 1795198535,
      item: 'reaction',
      reaction_type: 'love',
      verb: 'remove',
    };
    expect(feed(answer, unliked)).toEqual({
      interactions: [
        expect.objectContaining({
          id: '1188235627018851_1529043114599999',
          type: 'reply',
          actor: { id: TOMAS.id, handle: TOMAS.name },
          parentContentId: COMMENT,
        }),
      ],
      retractions: [{ kind: 'interaction', network: 'facebook', id: `reaction:${POST}:7302558812040113`, retractedAt: at(935) }],
      ignored: 0,
    });
  });

  it('reads a reaction to a comment as a like of the comment, not as a comment', () => {
    const reaction = {
      from: { id: '7302558812040113', name: 'Kenji Watanabe' },
      post_id: POST,
      comment_id: COMMENT,
      parent_id: COMMENT,
      created_time: 1795197725,
      item: 'reaction',
      reaction_type: 'like',
      verb: 'add',
    };
    expect(feed(reaction).interactions).toEqual([
      {
        id: `reaction:${COMMENT}:7302558812040113`,
        network: 'facebook',
        type: 'like',
        actor: { id: '7302558812040113', handle: 'Kenji Watanabe' },
        target: { id: PAGE },
        parentContentId: COMMENT,
        occurredAt: at(125),
      },
    ]);
  });

  it('reads a visitor’s post on the Page as a reply to the Page, and the Page sharing a post as a post of its own', () => {
    const visitorPost = {
      from: TOMAS,
      post_id: `${PAGE}_1188412990777777`,
      message: 'Best flat white in Lyon',
      created_time: 1795198000,
      item: 'status',
      published: 1,
      verb: 'add',
    };
    const pageShare = {
      from: { id: PAGE, name: 'Rue des Cafés' },
      post_id: POST,
      share_id: '1188412990555555',
      message: 'On repart samedi',
      created_time: 1795198100,
      item: 'share',
      published: 1,
      verb: 'add',
    };
    expect(feed(visitorPost, pageShare).interactions).toEqual([
      {
        id: `${PAGE}_1188412990777777`,
        network: 'facebook',
        type: 'reply',
        actor: { id: TOMAS.id, handle: TOMAS.name },
        target: { id: PAGE },
        contentId: `${PAGE}_1188412990777777`,
        text: 'Best flat white in Lyon',
        occurredAt: at(400),
      },
      {
        id: '1188412990555555',
        network: 'facebook',
        type: 'post',
        actor: { id: PAGE, handle: 'Rue des Cafés' },
        contentId: '1188412990555555',
        text: 'On repart samedi',
        occurredAt: at(500),
      },
    ]);
  });

  it('reads a share named by post_id alone, and a removed share as the retraction of that share', () => {
    const share = { from: TOMAS, post_id: POST, created_time: 1795198532, item: 'share', verb: 'add' };
    expect(feed(share).interactions).toEqual([expect.objectContaining({ id: POST, type: 'share', target: { id: PAGE }, contentId: POST })]);
    expect(feed({ ...share, share_id: '1188412990123344', verb: 'remove' })).toEqual({
      interactions: [],
      retractions: [{ kind: 'content', network: 'facebook', contentId: '1188412990123344', retractedAt: at(932) }],
      ignored: 0,
    });
  });

  it('acknowledges a change that does not say who made it, or a comment that does not say on what, as ignored', () => {
    const { from: _from, ...anonymousComment } = commentOn(POST);
    const { post_id: _postId, parent_id: _parentId, ...commentOnNothing } = commentOn(POST);
    const anonymous = [
      anonymousComment,
      commentOnNothing,
      { post_id: POST, created_time: 1795197725, item: 'reaction', reaction_type: 'like', verb: 'add' },
      { post_id: POST, share_id: '1188412990123344', created_time: 1795198532, item: 'share', verb: 'add' },
      { post_id: `${PAGE}_1188301174345563`, message: 'Nouveau !', created_time: 1795197728, item: 'status', verb: 'add' },
    ];
    expect(feed(...anonymous)).toEqual({ interactions: [], retractions: [], ignored: 5 });
  });

  it('acknowledges what it does not read as ignored: other items, other fields, other objects’ changes', () => {
    const event = { from: { id: PAGE, name: 'Rue des Cafés' }, post_id: `${PAGE}_1188700000000001`, created_time: 1795198000, item: 'event', verb: 'add' };
    expect(feed(event)).toEqual({ interactions: [], retractions: [], ignored: 1 });
    const rating = { field: 'ratings', value: { reviewer_id: '6114029385521044', rating: 5, verb: 'add', created_time: 1795198000 } };
    expect(deliver('page', { id: PAGE, time: 1795198000, changes: [rating] })).toEqual({ interactions: [], retractions: [], ignored: 1 });
    // A User’s feed, or comments on anything but Instagram media, are not what Sway reads.
    const changes = [
      { field: 'feed', value: commentOn(POST) },
      {
        field: 'comments',
        value: { from: { id: '17841401234567890', username: 'ana.fotografa' }, media: { id: '18035611234567891' }, id: '17998877665544332', text: 'Que luz!' },
      },
    ];
    expect(deliver('user', { id: '6114029385521044', time: 1795198000, changes })).toEqual({ interactions: [], retractions: [], ignored: 2 });
  });

  it('counts messaging entries as ignored, one per message, and a delivery without entries as one', () => {
    const message = (mid: string) => ({
      sender: { id: '7302558812040113' },
      recipient: { id: PAGE },
      timestamp: 1795198000000,
      message: { mid, text: 'Vous ouvrez à quelle heure ?' },
    });
    const messaging = { id: PAGE, time: 1795198000, messaging: [message('m_1'), message('m_2')] };
    const bare = { id: PAGE, time: 1795198001 };
    expect(deliver('page', messaging, bare)).toEqual({ interactions: [], retractions: [], ignored: 3 });
    expect(deliver('page')).toEqual({ interactions: [], retractions: [], ignored: 1 });
  });

  it('refuses a feed change it cannot read rather than dropping it silently', () => {
    const change = { field: 'feed', value: { item: 'comment' } };
    expect(parseFails(metaWebhook, { object: 'page', entry: [{ id: PAGE, time: 1795197600, changes: [change] }] })).toBe(true);
    expect(parseFails(metaWebhook, { object: 'page', entry: [{ id: PAGE, time: 1795197600, changes: [{ field: 'ratings', value: 42 }] }] })).toBe(false);
  });
});

describe('Meta Instagram deliveries', () => {
  it('reads comments as replies to the account and acknowledges mentions, which name no author', () => {
    const { interactions, ignored } = normalizeFixture(metaWebhook, 'meta', 'instagram-comments.json');
    expect(interactions).toEqual([
      {
        id: '17998877665544332',
        network: 'instagram',
        type: 'reply',
        actor: { id: '17841401234567890', handle: 'ana.fotografa' },
        target: { id: '17841405822304914' },
        contentId: '17998877665544332',
        parentContentId: '18035611234567891',
        text: 'Que luz incrível! 📸✨ #streetphotography',
        occurredAt: at(300),
      },
      expect.objectContaining({ id: '17998877665544399', parentContentId: '17998877665544332', actor: { id: '17841409876543210', handle: 'jules_b' } }),
    ]);
    expect(ignored).toBe(1);
  });
});

describe('Meta Instagram comments without their media', () => {
  it('reads a comment that names its author but not its media as a reply to the account, on nothing it names', () => {
    const comment = { from: { id: '17841401234567890', username: 'ana.fotografa' }, id: '17998877665544332', text: 'Que luz incrível!' };
    expect(deliver('instagram', { id: '17841405822304914', time: 1795197900, changes: [{ field: 'comments', value: comment }] }).interactions).toEqual([
      {
        id: '17998877665544332',
        network: 'instagram',
        type: 'reply',
        actor: { id: '17841401234567890', handle: 'ana.fotografa' },
        target: { id: '17841405822304914' },
        contentId: '17998877665544332',
        text: 'Que luz incrível!',
        occurredAt: at(300),
      },
    ]);
  });
});

describe('Meta Instagram comments without their author', () => {
  it('acknowledges a comment that names only itself (id and text) and reads the live comment beside it', () => {
    expect(normalizeFixture(metaWebhook, 'meta', 'instagram-comments-without-author.json')).toEqual({
      interactions: [
        {
          id: '17999911122233377',
          network: 'instagram',
          type: 'reply',
          actor: { id: '17841409876543210', handle: 'jules_b' },
          target: { id: '17841405822304914' },
          contentId: '17999911122233377',
          parentContentId: '18040022233344455',
          text: 'Hello from Lyon!',
          occurredAt: '2026-11-20T19:46:40.000Z',
        },
      ],
      retractions: [],
      ignored: 1,
    });
  });
});

describe('Meta signatures and verification', () => {
  it('checks the signature over the escaped bytes as sent, not over a re-serialization', () => {
    const body = fixture('meta', 'page-feed-batch.json');
    expect(body.toString('utf8')).toContain('In\\u00e8s');
    const sign = (bytes: Buffer) => `sha256=${createHmac('sha256', testSecrets.meta).update(bytes).digest('hex')}`;
    const delivery = (signature: string) => ({ body, header: () => signature, receivedAt: RECEIVED_AT });
    expect(metaWebhook.verify(testSecrets.meta, delivery(sign(body)))).toEqual({ ok: true });
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))));
    expect(metaWebhook.verify(testSecrets.meta, delivery(sign(reserialized))).ok).toBe(false);
  });

  it('echoes the challenge only for subscribe with the right verify token', () => {
    expect(isMetaSubscription({ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok' }, 'tok')).toBe(true);
    expect(isMetaSubscription({ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok2' }, 'tok')).toBe(false);
    expect(isMetaSubscription({ 'hub.mode': 'unsubscribe', 'hub.verify_token': 'tok' }, 'tok')).toBe(false);
    expect(isMetaSubscription({}, 'tok')).toBe(false);
  });

  it('answers its subscription check with the challenge as text, with the current or the previous token, and refuses otherwise', () => {
    const check = metaWebhook.subscriptionCheck!;
    const tokens = { current: 'new', accepted: ['new', 'old'] };
    expect(check.secret.envVar).toBe('SWAY_META_VERIFY_TOKEN');
    expect(check.answer({ 'hub.mode': 'subscribe', 'hub.verify_token': 'old', 'hub.challenge': 'c1' }, tokens)).toEqual({ text: 'c1' });
    expect(check.answer({ 'hub.mode': 'subscribe', 'hub.verify_token': 'other', 'hub.challenge': 'c1' }, tokens)).toMatchObject({ refused: 403 });
    expect(check.answer({ 'hub.mode': 'subscribe', 'hub.verify_token': 'new' }, tokens)).toMatchObject({ refused: 400 });
  });
});
