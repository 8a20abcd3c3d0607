/**
 * The whole path on one machine, driven over HTTP as a user would: `npm start`, a signed import,
 * a recompute, the leaderboards — and restarts, clean and brutal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Interaction } from '../../lib/domain/interactions/schema';
import { engagements, interaction } from '../support/interactions';
import { admin, drainAndRecompute, signedPost, startLocalService, waitFor, type LocalService } from '../support/local-service';

const dataDir = mkdtempSync(join(tmpdir(), 'sway-e2e-'));
let service: LocalService;

const world: Interaction[] = [
  interaction({ type: 'post', id: 'star-post', actor: { id: 'star', handle: 'StarPhysicist' }, contentId: 'c-star', text: 'The boson is real #physics' }),
  ...engagements('star', 8, 'reply', ['physics'], 'StarPhysicist'),
  ...engagements('rising', 4, 'reply'),
  ...engagements('quiet', 1, 'like'),
  ...engagements('gardener', 3, 'share', ['gardening']),
];

const json = async (response: Response) => ({
  status: response.status,
  type: response.headers.get('content-type'),
  body: (await response.json()) as Record<string, unknown>,
});
const stats = async () => (await (await admin(service, '/v1/admin/stats')).json()) as { interactions: number; pending: number };
const boardIds = async (path: string) => ((await (await fetch(`${service.url}${path}`)).json()) as { items: { id: string }[] }).items.map((item) => item.id);

beforeAll(async () => {
  service = await startLocalService({ dataDir });
});

afterAll(async () => {
  await service?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start, end to end', () => {
  it('is healthy and describes itself', async () => {
    expect((await json(await fetch(`${service.url}/healthz`))).body).toEqual({ status: 'ok' });
    const openapi = await json(await fetch(`${service.url}/openapi.json`));
    expect(openapi.body.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.body.paths as object)).toContain('/v1/topics/{topic}/leaderboard');
  });

  it('accepts a signed import and counts a duplicate delivery once', async () => {
    const body = JSON.stringify({ interactions: world });
    expect((await json(await signedPost(service, body))).body).toEqual({ accepted: world.length, duplicates: 0, ignored: 0 });
    await waitFor('the import to be applied', async () => ((await stats()).pending === 0 ? true : undefined));
    expect((await json(await signedPost(service, body))).body).toEqual({ accepted: 0, duplicates: world.length, ignored: 0 });
    await waitFor('the queue to drain', async () => ((await stats()).pending === 0 ? true : undefined));
    expect((await stats()).interactions).toBe(world.length);
  });

  it('refuses bad input with problem+json and stores nothing', async () => {
    const before = (await stats()).interactions;
    const valid = JSON.stringify({ interactions: [interaction({ type: 'like', actor: { id: 'ghost' }, target: { id: 'star' } })] });

    const wrongSignature = await json(await signedPost(service, valid, { 'x-sway-signature': `sha256=${'0'.repeat(64)}` }));
    expect(wrongSignature).toMatchObject({ status: 401, type: 'application/problem+json' });
    const unsigned = await fetch(`${service.url}/v1/interactions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: valid });
    expect(unsigned.status).toBe(401);

    const broken = await json(await signedPost(service, '{"interactions": [{"id": '));
    expect(broken).toMatchObject({ status: 400, type: 'application/problem+json', body: { title: 'Bad Request' } });

    expect((await signedPost(service, valid, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await signedPost(service, `{"interactions":[],"pad":"${'x'.repeat(1024 * 1024)}"}`)).status).toBe(413);

    const mixed = JSON.stringify({
      interactions: [
        interaction({ type: 'reply', actor: { id: 'ghost' }, target: { id: 'phantom' } }),
        { ...interaction({ type: 'like' }), occurredAt: 'not a time' },
        interaction({ type: 'share', actor: { id: 'ghost' }, target: { id: 'phantom' } }),
        { ...interaction({ type: 'post' }), target: { id: 'nobody' } },
      ],
    });
    const invalid = await json(await signedPost(service, mixed));
    expect(invalid).toMatchObject({ status: 422, type: 'application/problem+json' });
    expect((invalid.body.errors as { index: number }[]).map((error) => error.index)).toEqual([1, 3]);

    const run = await drainAndRecompute(service);
    expect(run).toMatchObject({ status: 'succeeded' });
    expect((await stats()).interactions).toBe(before);
    expect((await fetch(`${service.url}/v1/accounts/x/phantom`)).status).toBe(404);
    expect((await fetch(`${service.url}/v1/accounts/x/ghost`)).status).toBe(404);
  });

  it('ranks the topic leaderboard by the response each account earned', async () => {
    await drainAndRecompute(service);
    expect(await boardIds('/v1/topics/physics/leaderboard')).toEqual(['star', 'rising', 'quiet']);
    expect(await boardIds('/v1/topics/gardening/leaderboard')).toEqual(['gardener']);
    expect((await boardIds('/v1/leaderboard'))[0]).toBe('star');

    const page = (await (await fetch(`${service.url}/v1/topics/physics/leaderboard?limit=2`)).json()) as { items: { rank: number }[]; nextCursor: string };
    expect(page.items.map((item) => item.rank)).toEqual([1, 2]);
    const next = (await (await fetch(`${service.url}/v1/topics/physics/leaderboard?limit=2&cursor=${page.nextCursor}`)).json()) as {
      items: { rank: number }[];
      nextCursor: null;
    };
    expect(next).toMatchObject({ items: [{ rank: 3 }], nextCursor: null });

    const topics = await json(await fetch(`${service.url}/v1/topics`));
    expect(topics.body.items).toEqual([
      { topic: 'physics', accounts: 3 },
      { topic: 'gardening', accounts: 1 },
    ]);

    const account = await fetch(`${service.url}/v1/accounts/x/starphysicist`);
    expect(await account.json()).toMatchObject({ network: 'x', id: 'star', handle: 'StarPhysicist', score: 100, topics: [{ topic: 'physics', rank: 1 }] });
    const etag = account.headers.get('etag')!;
    expect((await fetch(`${service.url}/v1/accounts/x/star`, { headers: { 'if-none-match': etag } })).status).toBe(304);

    expect((await fetch(`${service.url}/v1/topics/Not%20A%20Topic/leaderboard`)).status).toBe(400);
    expect((await fetch(`${service.url}/v1/leaderboard?limit=1000`)).status).toBe(400);
    expect((await fetch(`${service.url}/v1/admin/stats`)).status).toBe(401);
  });

  it('explains a score and gives its history', async () => {
    const explanation = (await (await fetch(`${service.url}/v1/accounts/x/starphysicist/explain?topic=physics`)).json()) as {
      score: number;
      factors: { name: string; label: string; description: string; contribution: number }[];
      topEngagers: { id: string }[];
      computedAt: string;
    };
    expect(explanation.score).toBe(100);
    expect(explanation.factors.reduce((sum, factor) => sum + factor.contribution, 0)).toBeCloseTo(100, 9);
    // Stored without them, every factor is shown with its label and what it measures.
    expect(explanation.factors.find((factor) => factor.name === 'breadth')).toMatchObject({
      label: 'Breadth',
      description: expect.stringContaining('distinct engagers'),
    });
    for (const factor of explanation.factors) expect(factor.description.length, factor.name).toBeGreaterThan(10);
    expect(explanation.topEngagers).toHaveLength(5);
    expect((await fetch(`${service.url}/v1/accounts/x/star/explain?topic=gardening`)).status).toBe(404);
    const history = (await (await fetch(`${service.url}/v1/accounts/x/star/history?topic=physics&days=7`)).json()) as { date: string; score: number }[];
    // The day of the run that computed the score, not the test's clock (a run just before midnight).
    expect(history).toEqual([{ date: explanation.computedAt.slice(0, 10), score: 100 }]);
    expect((await fetch(`${service.url}/v1/accounts/x/star/history?days=0`)).status).toBe(400);
  });

  it("links one person's accounts into a profile with a combined score", async () => {
    const profile = {
      name: 'Star',
      accounts: [
        { network: 'x', id: 'star' },
        { network: 'x', id: 'gardener' },
        { network: 'mastodon', id: 'star-elsewhere' },
      ],
    };
    const put = (body: unknown, init: RequestInit = {}) =>
      admin(service, '/v1/profiles/star-person', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...init });
    expect((await fetch(`${service.url}/v1/profiles/star-person`, { method: 'PUT', body: JSON.stringify(profile) })).status).toBe(401);
    expect((await fetch(`${service.url}/v1/profiles/star-person`)).status).toBe(404);
    const created = await put(profile);
    expect(created.status).toBe(200);
    const expected = {
      profileId: 'star-person',
      name: 'Star',
      score: 100,
      // Both are 100 (the gardener is alone in gardening): ties go by topic name.
      topics: [
        { topic: 'gardening', score: 100, account: { network: 'x', id: 'gardener' } },
        { topic: 'physics', score: 100, account: { network: 'x', id: 'star' } },
      ],
      accounts: [
        { network: 'x', id: 'star', handle: 'StarPhysicist', score: 100 },
        { network: 'x', id: 'gardener', handle: 'gardener', score: expect.any(Number) },
        { network: 'mastodon', id: 'star-elsewhere', handle: null, score: null },
      ],
    };
    expect(await created.json()).toMatchObject(expected);
    expect(await (await fetch(`${service.url}/v1/profiles/star-person`)).json()).toMatchObject(expected);

    for (const bad of [
      {},
      { accounts: [] },
      {
        accounts: [
          { network: 'x', id: 'star' },
          { network: 'x', id: 'star' },
        ],
      },
      { accounts: [{ network: 'X!', id: 'a' }] },
    ]) {
      const refused = await put(bad);
      expect([400, 422]).toContain(refused.status);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await put(profile, { body: 'not json' })).status).toBe(400);
    expect((await admin(service, '/v1/profiles/not%20an%20id')).status).toBe(400);
    expect(await (await fetch(`${service.url}/v1/profiles/star-person`)).json()).toMatchObject({ accounts: expected.accounts });
  });

  it('forgets an account that opts out', async () => {
    expect((await fetch(`${service.url}/v1/accounts/x/quiet`, { method: 'DELETE' })).status).toBe(401);
    const forgotten = await admin(service, '/v1/accounts/x/quiet', { method: 'DELETE' });
    expect(forgotten.status).toBe(202);
    expect(await forgotten.json()).toEqual({ network: 'x', id: 'quiet', accepted: true });
    const gone = await fetch(`${service.url}/v1/accounts/x/quiet`);
    expect(gone.status).toBe(410);
    expect(gone.headers.get('content-type')).toBe('application/problem+json');
    await drainAndRecompute(service);
    expect(await boardIds('/v1/topics/physics/leaderboard')).toEqual(['star', 'rising']);
    expect((await fetch(`${service.url}/v1/accounts/x/quiet/explain`)).status).toBe(410);
    const linking = await admin(service, '/v1/profiles/quiet-person', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accounts: [{ network: 'x', id: 'quiet' }] }),
    });
    expect(linking.status).toBe(422);
  });

  it('keeps its data across a clean restart', async () => {
    const before = await boardIds('/v1/topics/physics/leaderboard');
    const interactionsBefore = (await stats()).interactions;
    await service.stop();
    service = await startLocalService({ dataDir });
    expect(await boardIds('/v1/topics/physics/leaderboard')).toEqual(before);
    expect((await stats()).interactions).toBe(interactionsBefore);
  });

  it('applies every acknowledged interaction after kill -9', async () => {
    const before = (await stats()).interactions;
    const late = engagements('latecomer', 40, 'reply');
    const accepted = await json(await signedPost(service, JSON.stringify({ interactions: late })));
    expect(accepted.body).toMatchObject({ accepted: 40 });
    await service.kill();

    service = await startLocalService({ dataDir });
    await drainAndRecompute(service);
    expect((await stats()).interactions).toBe(before + 40);
    expect((await boardIds('/v1/topics/physics/leaderboard'))[0]).toBe('latecomer');
  });
});
