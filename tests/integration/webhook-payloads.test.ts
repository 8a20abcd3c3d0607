/**
 * Documented provider deliveries that used to be refused with 422: each is signed the way its
 * provider signs and sent through the real webhook function, which must acknowledge it (202),
 * queueing what carries an interaction and counting the rest as ignored (CONTRACT §3).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { apiGatewayEvent, fixture, providerHeaders, webhookPath, type WebhookNetwork } from '../support/webhook-deliveries';
import { loadWebhookHandlers } from '../support/webhook-handlers';

let webhooks: Awaited<ReturnType<typeof loadWebhookHandlers>>;

beforeAll(async () => {
  webhooks = await loadWebhookHandlers();
});

const deliver = async (network: WebhookNetwork, file: string, event?: string) => {
  const body = fixture(network, file);
  const headers = providerHeaders(network, body, event ? { event } : {});
  const response = await webhooks.invoke(network, apiGatewayEvent({ method: 'POST', path: webhookPath(network), body, headers }));
  const queued = await webhooks.drain();
  return {
    status: response.statusCode,
    counts: JSON.parse(response.body ?? '') as Record<string, unknown>,
    interactionIds: queued.flatMap((message) => message.interactions.map((interaction) => interaction.id)),
    retractions: queued.flatMap((message) => message.retractions ?? []),
  };
};

describe.each([
  {
    shape: 'X: a revoked subscription (user_event, without for_user_id)',
    network: 'x' as const,
    file: 'user-event-revoke.json',
    counts: { accepted: 0, duplicates: 0, ignored: 1 },
    interactionIds: [],
  },
  {
    shape: 'X: a follow and an unfollow whose users carry only id',
    network: 'x' as const,
    file: 'follow-events-account-activity-users.json',
    counts: { accepted: 2, duplicates: 0, ignored: 0 },
    interactionIds: ['follow:1588300274416521216:1327465039224832001'],
  },
  {
    shape: 'Facebook: feed shares with a numeric share_id, and a hidden one',
    network: 'meta' as const,
    file: 'page-feed-share-numeric-ids.json',
    counts: { accepted: 2, duplicates: 0, ignored: 1 },
    interactionIds: ['1188519203347716', '1188520077654321'],
  },
  {
    shape: 'Facebook: feed changes naming their author by sender_id',
    network: 'meta' as const,
    file: 'page-feed-sender-fields.json',
    counts: { accepted: 6, duplicates: 0, ignored: 1 },
    interactionIds: [
      '104729381926457_1188600011122233',
      '1188600011122233_1529200019283746',
      'reaction:104729381926457_1188600011122233:6114029385521044',
      '104729381926457_1188600099988877',
    ],
  },
  {
    shape: 'Instagram: a comment with only id and text, beside a live comment',
    network: 'meta' as const,
    file: 'instagram-comments-without-author.json',
    counts: { accepted: 1, duplicates: 0, ignored: 1 },
    interactionIds: ['17999911122233377'],
  },
  {
    shape: 'Slack: an app_mention by a bot, without user',
    network: 'slack' as const,
    file: 'app-mention-from-bot.json',
    counts: { accepted: 0, duplicates: 0, ignored: 1 },
    interactionIds: [],
  },
  {
    shape: 'GitHub: issue_comment on an issue whose user is null',
    network: 'github' as const,
    file: 'issue-comment-created-issue-author-null.json',
    event: 'issue_comment',
    counts: { accepted: 0, duplicates: 0, ignored: 1 },
    interactionIds: [],
  },
  {
    shape: 'GitHub: fork whose forkee.created_at is Unix seconds',
    network: 'github' as const,
    file: 'fork-created-at-unix-seconds.json',
    event: 'fork',
    counts: { accepted: 1, duplicates: 0, ignored: 0 },
    interactionIds: ['fork:1096012288'],
  },
  {
    shape: 'Discourse: post_destroyed of a post whose author was deleted (username null)',
    network: 'discourse' as const,
    file: 'post-destroyed-author-deleted.json',
    event: 'post_destroyed',
    counts: { accepted: 1, duplicates: 0, ignored: 0 },
    interactionIds: [],
  },
])('$shape', ({ network, file, event, counts, interactionIds }) => {
  it('is acknowledged with 202, its interactions queued and the rest counted as ignored', async () => {
    const delivered = await deliver(network, file, event);
    expect(delivered.status).toBe(202);
    expect(delivered.counts).toEqual(counts);
    expect(delivered.interactionIds).toEqual(interactionIds);
    expect(delivered.retractions).toHaveLength(counts.accepted - interactionIds.length);
  });
});
