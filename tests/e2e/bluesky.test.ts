/**
 * `npm start` with SWAY_JETSTREAM_URL pointing at a local Jetstream stand-in: what Bluesky people
 * do reaches the scores, and stopping the service stops the consumer cleanly, cursor saved.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJetstreamReplay, type JetstreamReplay } from '../support/jetstream-replay';
import { admin, drainAndRecompute, startLocalService, waitFor, type LocalService } from '../support/local-service';

const dataDir = mkdtempSync(join(tmpdir(), 'sway-e2e-bluesky-'));
let jetstream: JetstreamReplay;
let service: LocalService;

const astronomer = 'did:plc:e2eastronomer7q2xk4mvwzs3a';
const fans = Array.from({ length: 4 }, (_, i) => `did:plc:e2efan${i}q2xk4mvwzs3abcdef`);
const startUs = Date.now() * 1000;
let sequence = 0;
const commit = (did: string, collection: string, record: Record<string, unknown>) => {
  sequence++;
  return {
    did,
    time_us: startUs + sequence * 1000,
    kind: 'commit',
    commit: {
      rev: `3n2e2erev${sequence}`,
      operation: 'create',
      collection,
      rkey: `3n2e2e${sequence}`,
      record: { $type: collection, ...record },
      cid: `bafyreie2e${sequence}`,
    },
  };
};
const createdAt = new Date().toISOString();
const post = commit(astronomer, 'app.bsky.feed.post', {
  text: 'Saturn at opposition tonight 🪐 #astronomy',
  createdAt,
  facets: [{ index: { byteStart: 34, byteEnd: 44 }, features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'astronomy' }] }],
});
const postRef = { uri: `at://${astronomer}/app.bsky.feed.post/${post.commit.rkey}`, cid: post.commit.cid };
const reactions = fans.flatMap((fan) => [
  commit(fan, 'app.bsky.feed.like', { subject: postRef, createdAt }),
  commit(fan, 'app.bsky.feed.post', { text: 'Beautiful rings!', createdAt, reply: { root: postRef, parent: postRef } }),
]);

beforeAll(async () => {
  jetstream = await startJetstreamReplay();
  service = await startLocalService({ dataDir, env: { SWAY_JETSTREAM_URL: jetstream.url } });
});

afterAll(async () => {
  await service?.stop();
  await jetstream?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start with SWAY_JETSTREAM_URL', () => {
  it('scores what Bluesky people do, read from Jetstream', async () => {
    expect(service.output()).toContain(`reading ${jetstream.url}`);
    await jetstream.waitForSubscriptions(1);
    jetstream.publish(post, ...reactions);

    await waitFor('the Bluesky interactions to be applied', async () => {
      const stats = (await (await admin(service, '/v1/admin/stats')).json()) as { interactions: number; pending: number };
      return stats.interactions === 1 + reactions.length && stats.pending === 0 ? true : undefined;
    });
    expect((await drainAndRecompute(service)).status).toBe('succeeded');

    const account = await fetch(`${service.url}/v1/accounts/bluesky/${astronomer}`);
    expect(account.status).toBe(200);
    const body = (await account.json()) as { network: string; id: string; score: number; topics: { topic: string }[] };
    expect(body).toMatchObject({ network: 'bluesky', id: astronomer });
    expect(body.topics.map((topic) => topic.topic)).toContain('astronomy');
    const board = (await (await fetch(`${service.url}/v1/topics/astronomy/leaderboard`)).json()) as { items: { network: string; id: string }[] };
    expect(board.items[0]).toMatchObject({ network: 'bluesky', id: astronomer });
  });

  it('stops promptly on Ctrl-C, its consumer mid-read, and resumes from the saved cursor after a restart', async () => {
    const stopping = Date.now();
    await service.stop();
    expect(Date.now() - stopping).toBeLessThan(20_000);

    const subscriptionsBefore = jetstream.subscriptions.length;
    service = await startLocalService({ dataDir, env: { SWAY_JETSTREAM_URL: jetstream.url } });
    await jetstream.waitForSubscriptions(subscriptionsBefore + 1);
    const lastTimeUs = reactions.at(-1)!.time_us;
    expect(jetstream.subscriptions.at(-1)!.cursor).toBe(lastTimeUs - 5_000_000);
  });
});
