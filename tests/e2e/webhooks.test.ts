/**
 * Every network's webhook end to end on `npm start`: each provider's handshake, and realistic
 * deliveries signed the way the provider signs them, posted over HTTP, applied behind the queue
 * (redeliveries once, deletions and un-likes taken back out), and scored by a recompute.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, drainAndRecompute, startLocalService, waitFor, type LocalService } from '../support/local-service';
import {
  fixture,
  githubFormBody,
  providerHeaders,
  testSecretEnvironment,
  testSecrets,
  webhookPath,
  type DeliveryOptions,
  type WebhookNetwork,
} from '../support/webhook-deliveries';

const dataDir = mkdtempSync(join(tmpdir(), 'sway-e2e-webhooks-'));
let service: LocalService;

beforeAll(async () => {
  service = await startLocalService({ dataDir, env: testSecretEnvironment() });
});

afterAll(async () => {
  await service?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const deliver = async (network: WebhookNetwork, file: string, options: DeliveryOptions & { form?: boolean } = {}) => {
  const json = fixture(network, file);
  const body = options.form ? githubFormBody(json) : json;
  const headers = providerHeaders(network, body, { ...options, ...(options.form ? { contentType: 'application/x-www-form-urlencoded' } : {}) });
  const response = await fetch(`${service.url}${webhookPath(network)}`, { method: 'POST', headers, body });
  expect(response.status, `${network} ${file}`).toBe(202);
  return (await response.json()) as { accepted: number; duplicates: number; ignored: number };
};

const stats = async () => (await (await admin(service, '/v1/admin/stats')).json()) as { interactions: number; pending: number };
const drained = async () => {
  await waitFor('the queue to drain', async () => ((await stats()).pending === 0 ? true : undefined));
  return (await stats()).interactions;
};

/** Interactions applied by `send`, once the queue has drained. */
const appliedBy = async (send: () => Promise<void>) => {
  const before = await drained();
  await send();
  return (await drained()) - before;
};

describe('webhooks on npm start', () => {
  it('answers each provider’s handshake', async () => {
    const crc = await fetch(`${service.url}/v1/webhooks/x?crc_token=dG9rZW4`);
    expect(await crc.json()).toEqual({ response_token: `sha256=${createHmac('sha256', testSecrets.x).update('dG9rZW4').digest('base64')}` });

    const query = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': testSecrets.metaVerifyToken, 'hub.challenge': '7741203' });
    const meta = await fetch(`${service.url}/v1/webhooks/meta?${query}`);
    expect(meta.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await meta.text()).toBe('7741203');
    query.set('hub.verify_token', 'wrong');
    expect((await fetch(`${service.url}/v1/webhooks/meta?${query}`)).status).toBe(403);

    const body = fixture('slack', 'url-verification.json');
    const slack = await fetch(`${service.url}/v1/webhooks/slack`, { method: 'POST', headers: providerHeaders('slack', body), body });
    expect(await slack.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('X: applies tweets, likes and follows once, and takes a deleted tweet back out', async () => {
    expect(
      await appliedBy(async () => {
        expect(await deliver('x', 'tweet-reply-extended.json')).toEqual({ accepted: 2, duplicates: 0, ignored: 0 });
        expect(await deliver('x', 'retweet-and-quote.json')).toEqual({ accepted: 2, duplicates: 0, ignored: 0 });
        expect(await deliver('x', 'favorite.json')).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
        expect(await deliver('x', 'follows.json')).toEqual({ accepted: 2, duplicates: 0, ignored: 0 });
        expect(await deliver('x', 'direct-message.json')).toEqual({ accepted: 0, duplicates: 0, ignored: 1 });
      }),
    ).toBe(6);
    // The copy of the like X delivers for the liker's own subscription is the same like.
    const copy = fixture('x', 'favorite.json').toString('utf8').replace('"for_user_id": "1327465039224832001"', '"for_user_id": "3011877412"');
    const response = await fetch(`${service.url}/v1/webhooks/x`, { method: 'POST', headers: providerHeaders('x', Buffer.from(copy)), body: copy });
    expect(await response.json()).toEqual({ accepted: 0, duplicates: 1, ignored: 0 });
    expect(await appliedBy(async () => void (await deliver('x', 'tweet-delete.json')))).toBe(-1);
  });

  it('Meta: applies a batched Page delivery and Instagram comments, and retracts what was removed', async () => {
    expect(
      await appliedBy(async () => {
        // Comment, reaction, Page post, the comment's edit (same id), a share; the reaction's removal; a hidden comment.
        expect(await deliver('meta', 'page-feed-batch.json')).toEqual({ accepted: 5, duplicates: 1, ignored: 1 });
        expect(await deliver('meta', 'instagram-comments.json')).toEqual({ accepted: 2, duplicates: 0, ignored: 1 });
      }),
    ).toBe(5);
    expect(await appliedBy(async () => void (await deliver('meta', 'comment-remove.json')))).toBe(-1);
  });

  it('Slack: applies messages, thread replies, mentions and reactions, and un-reacts', async () => {
    expect(
      await appliedBy(async () => {
        expect(await deliver('slack', 'channel-message.json')).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
        expect(await deliver('slack', 'thread-reply.json')).toEqual({ accepted: 2, duplicates: 0, ignored: 0 });
        expect(await deliver('slack', 'reaction-added.json')).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
        expect(await deliver('slack', 'channel-join.json')).toEqual({ accepted: 0, duplicates: 0, ignored: 1 });
      }),
    ).toBe(4);
    // A Slack retry is the same event again.
    const retry = await deliver('slack', 'thread-reply.json');
    expect(retry).toEqual({ accepted: 0, duplicates: 2, ignored: 0 });
    expect(await appliedBy(async () => void (await deliver('slack', 'reaction-removed.json')))).toBe(-1);
  });

  it('Mastodon: applies statuses, reblogs and mentions, an edit once, and never a direct message', async () => {
    expect(
      await appliedBy(async () => {
        expect(await deliver('mastodon', 'status-created-post.json')).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
        expect(await deliver('mastodon', 'status-created-reply.json')).toEqual({ accepted: 2, duplicates: 0, ignored: 0 });
        expect(await deliver('mastodon', 'status-created-reblog.json')).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
        expect(await deliver('mastodon', 'status-created-direct.json')).toEqual({ accepted: 0, duplicates: 0, ignored: 1 });
      }),
    ).toBe(4);
    expect(
      await appliedBy(async () => void expect(await deliver('mastodon', 'status-updated-reply.json')).toEqual({ accepted: 0, duplicates: 2, ignored: 0 })),
    ).toBe(0);
  });

  it('GitHub: applies stars (once, with their watch twin), forks, issues, comments and pull requests; unstars', async () => {
    expect(
      await appliedBy(async () => {
        expect(await deliver('github', 'ping.json', { event: 'ping' })).toEqual({ accepted: 0, duplicates: 0, ignored: 1 });
        await deliver('github', 'star-created.json', { event: 'star', form: true });
        await deliver('github', 'watch-started.json', { event: 'watch' });
        await deliver('github', 'fork.json', { event: 'fork' });
        await deliver('github', 'issues-opened.json', { event: 'issues' });
        await deliver('github', 'issue-comment-created.json', { event: 'issue_comment' });
        await deliver('github', 'pull-request-opened.json', { event: 'pull_request' });
      }),
    ).toBe(5);
    expect(await appliedBy(async () => void (await deliver('github', 'star-deleted.json', { event: 'star' })))).toBe(-1);
  });

  it('Discourse: applies posts, replies and likes, an edit once, and takes a destroyed post back out', async () => {
    expect(
      await appliedBy(async () => {
        await deliver('discourse', 'post-created-topic.json', { event: 'post_created' });
        await deliver('discourse', 'post-created-reply.json', { event: 'post_created' });
        await deliver('discourse', 'post-liked.json', { event: 'post_liked' });
        await deliver('discourse', 'post-created-unanswered.json', { event: 'post_created' });
        expect(await deliver('discourse', 'post-created-private-message.json', { event: 'post_created' })).toEqual({ accepted: 0, duplicates: 0, ignored: 1 });
      }),
    ).toBe(4);
    expect(await deliver('discourse', 'post-edited-reply.json', { event: 'post_edited' })).toEqual({ accepted: 0, duplicates: 1, ignored: 0 });
    expect(await appliedBy(async () => void (await deliver('discourse', 'post-destroyed.json', { event: 'post_destroyed' })))).toBe(-1);
  });

  it('scores the accounts the webhooks brought, in the topics the deliveries carried', async () => {
    expect((await drainAndRecompute(service)).status).toBe('succeeded');
    const accounts: [string, string, string | null][] = [
      ['x', '1327465039224832001', 'mara_quantum'],
      ['facebook', '104729381926457', null],
      ['instagram', '17841405822304914', null],
      ['slack', 'U02ALICE01', null],
      ['mastodon', '109372843109478301', null],
      ['github', '58123904', 'quillwork'],
      ['discourse', 'hana_k', 'Hana_K'],
    ];
    for (const [network, id, handle] of accounts) {
      const response = await fetch(`${service.url}/v1/accounts/${network}/${id}`);
      expect(response.status, `${network}:${id}`).toBe(200);
      const account = (await response.json()) as { id: string; handle: string | null; score: number };
      expect(account.id).toBe(id);
      if (handle) expect(account.handle).toBe(handle);
      expect(account.score).toBeGreaterThanOrEqual(1);
    }
    const topicBoard = async (topic: string) =>
      ((await (await fetch(`${service.url}/v1/topics/${topic}/leaderboard`)).json()) as { items: { network: string; id: string }[] }).items;
    expect(await topicBoard('higgsboson')).toEqual(expect.arrayContaining([expect.objectContaining({ network: 'x', id: '1327465039224832001' })]));
    expect(await topicBoard('parser-combinators')).toEqual(expect.arrayContaining([expect.objectContaining({ network: 'github', id: '58123904' })]));
    expect(await topicBoard('data-engineering')).toEqual(expect.arrayContaining([expect.objectContaining({ network: 'discourse', id: 'hana_k' })]));
  });
});
