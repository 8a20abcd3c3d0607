/**
 * Campaign search (CONTRACT §4) on a constructed world, through the route table against DynamoDB
 * Local: relevance across two topics, niche bounds, the rising order, cursor paging, and who never
 * appears — opted-out accounts, accounts that declined campaigns, ring and lockstep members, farm
 * accounts and the accounts farms and lockstep groups lift — with the explanation that says why;
 * audience overlap counted exactly; campaign preferences.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Audience, Explanation, InfluencerSearch, Preferences } from '../../lib/app/api/schemas';
import type { Interaction } from '../../lib/domain/interactions/schema';
import { relevanceOf } from '../../lib/domain/search/relevance';
import { startInProcessSway, type InProcessSway } from '../support/in-process-sway';
import { interaction } from '../support/interactions';

const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();
const reply = (actor: string, author: string, topics: string[], occurredAt = daysAgo(1)): Interaction =>
  interaction({ type: 'reply', actor: { id: actor }, target: { id: author, handle: `${author}-handle` }, topics, occurredAt });
const fans = (author: string, prefix: string, count: number, topics: string[]) =>
  Array.from({ length: count }, (_, i) => reply(`${prefix}-${i}`, author, topics));

const world: Interaction[] = [
  // Matters in both topics.
  ...fans('both', 'both-rust-fan', 8, ['rust']),
  ...fans('both', 'both-wasm-fan', 8, ['wasm']),
  // Strong in one topic only.
  ...fans('rust-star', 'star-fan', 14, ['rust']),
  ...fans('wasm-mid', 'mid-fan', 5, ['wasm']),
  // A niche voice.
  ...fans('niche', 'niche-fan', 1, ['rust']),
  // Four engagers of both `both` (in rust) and `rust-star`.
  ...['shared-0', 'shared-1', 'shared-2', 'shared-3'].flatMap((fan) => [reply(fan, 'both', ['rust']), reply(fan, 'rust-star', ['rust'])]),
  // Will decline campaigns; will opt out.
  ...fans('decliner', 'decliner-fan', 8, ['rust']),
  ...fans('leaver', 'leaver-fan', 8, ['rust']),
  // A ring: five accounts replying to each other.
  ...['ring-0', 'ring-1', 'ring-2', 'ring-3', 'ring-4'].flatMap((member, _, ring) =>
    ring.filter((other) => other !== member).flatMap((other) => [reply(member, other, ['rust']), reply(member, other, ['rust'], daysAgo(2))]),
  ),
  // A farm: six accounts that like one beneficiary on two days, and nothing else.
  ...Array.from({ length: 6 }, (_, b) =>
    [1, 2].map((day) => interaction({ type: 'like', actor: { id: `farm-${b}` }, target: { id: 'farmed' }, topics: ['rust'], occurredAt: daysAgo(day) })),
  ).flat(),
  // A lockstep group: five accounts sharing the same targets on the same days.
  ...Array.from({ length: 5 }, (_, g) =>
    ['lock-a', 'lock-b'].flatMap((target) =>
      [1, 2].map((day) => interaction({ type: 'share', actor: { id: `lockstep-${g}` }, target: { id: target }, topics: ['rust'], occurredAt: daysAgo(day) })),
    ),
  ).flat(),
];
const neverListed = ['decliner', 'leaver', 'ring-0', 'ring-1', 'ring-2', 'ring-3', 'ring-4', 'farmed', 'lock-a', 'lock-b'];

let sway: InProcessSway;
const get = async <T>(url: string): Promise<{ status: number; body: T; contentType: string }> => {
  const answer = await sway.request({ method: 'GET', url });
  return { status: answer.status, body: JSON.parse(answer.body) as T, contentType: answer.headers['content-type'] ?? '' };
};
const search = async (query: string) => {
  const answer = await get<InfluencerSearch>(`/v1/search/influencers?${query}`);
  expect(answer.status).toBe(200);
  return answer.body;
};
const ids = (result: InfluencerSearch) => result.items.map((item) => item.id);

beforeAll(async () => {
  sway = await startInProcessSway();
  await sway.startConsumers();
  expect((await sway.ingest(JSON.stringify({ interactions: world }))).status).toBe(202);
  await sway.drained();
  expect((await sway.admin('PUT', '/v1/accounts/x/decliner/preferences', JSON.stringify({ campaigns: false }))).status).toBe(200);
  await sway.recompute();
  expect((await sway.admin('DELETE', '/v1/accounts/x/leaver')).status).toBe(202);
}, 300_000);
afterAll(async () => {
  await sway.stopConsumers();
});

describe('campaign search', () => {
  it('ranks by relevance across the topics, rewarding accounts that matter in several', async () => {
    const result = await search('topics=rust,wasm&limit=100');
    expect(result.items[0]!.id).toBe('both');
    const relevances = result.items.map((item) => item.relevance);
    expect(relevances).toEqual([...relevances].sort((a, b) => b - a));
    for (const item of result.items) {
      const scoreIn = (topic: string) => item.topics.find((entry) => entry.topic === topic)?.score ?? 0;
      expect(item.relevance).toBe(relevanceOf([scoreIn('rust'), scoreIn('wasm')]));
      for (const entry of item.topics) expect(entry.rank).toBeGreaterThanOrEqual(1);
      expect(item.score).toBeGreaterThanOrEqual(1);
    }
    expect(ids(result)).toEqual(expect.arrayContaining(['rust-star', 'wasm-mid', 'niche']));
    // rust-star is stronger than both in rust alone, yet less relevant to the pair.
    const star = result.items.find((item) => item.id === 'rust-star')!;
    const both = result.items[0]!;
    expect(star.topics.find((entry) => entry.topic === 'rust')!.score).toBeGreaterThan(both.topics.find((entry) => entry.topic === 'rust')!.score);
    expect(star.topics.map((entry) => entry.topic)).toEqual(['rust']);
  });

  it('never lists opted-out, declined or flagged accounts, and the explanation says why one is flagged', async () => {
    for (const query of ['topics=rust&limit=100', 'topics=rust,wasm&limit=100', 'topics=rust&sort=rising&limit=100', 'topics=rust&maxScore=100&limit=100']) {
      const listed = ids(await search(query));
      expect(listed).toEqual(expect.arrayContaining(['both', 'rust-star', 'niche']));
      for (const id of neverListed) expect(listed).not.toContain(id);
    }
    // They are still scored: the signals keep them out of campaigns, not off the boards.
    const board = (await get<{ items: { id: string }[] }>('/v1/topics/rust/leaderboard?limit=100')).body.items.map((item) => item.id);
    expect(board).toEqual(expect.arrayContaining(['ring-0', 'farmed', 'lock-a', 'decliner']));
    const explain = async (id: string) => (await get<Explanation>(`/v1/accounts/x/${id}/explain?topic=rust`)).body.flags.map((flag) => flag.name);
    expect(await explain('ring-0')).toContain('ring');
    expect(await explain('farmed')).toEqual(['boosted']);
    expect(await explain('lock-a')).toEqual(['boosted']);
    expect(await explain('rust-star')).toEqual([]);
    const flagged = (await get<Explanation>('/v1/accounts/x/farmed/explain?topic=rust')).body.flags[0]!;
    expect(flagged.description).toMatch(/flagged accounts/);
  });

  it('bounds relevance: maxScore finds niche voices, minScore the established', async () => {
    const all = await search('topics=rust&limit=100');
    const middle = all.items[Math.floor(all.items.length / 2)]!.relevance;
    const niche = await search(`topics=rust&maxScore=${middle}&limit=100`);
    expect(niche.items.length).toBeGreaterThan(0);
    expect(niche.items.every((item) => item.relevance <= middle)).toBe(true);
    expect(ids(niche)).toContain('niche');
    const established = await search(`topics=rust&minScore=${middle}&limit=100`);
    expect(established.items.every((item) => item.relevance >= middle)).toBe(true);
    expect(ids(established)).not.toContain('niche');
    expect(new Set([...ids(niche), ...ids(established)])).toEqual(new Set(ids(all)));
  });

  it('pages with a cursor through exactly the whole result', async () => {
    const whole = ids(await search('topics=rust,wasm&limit=100'));
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: InfluencerSearch = await search(`topics=rust,wasm&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      paged.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(whole);
  });

  it('answers an unknown topic with no items, and bad parameters with 400 problem+json', async () => {
    expect(await search('topics=no-such-topic')).toEqual({ items: [], nextCursor: null });
    for (const query of [
      '',
      'topics=',
      'topics=Not_A_Slug',
      'topics=rust&minScore=60&maxScore=10',
      'topics=rust&sort=loudest',
      'topics=rust&limit=0',
      'topics=rust&limit=101',
      'topics=rust&minScore=-1',
      'topics=rust&maxScore=abc',
      'topics=rust&cursor=garbage',
      'topics=rust&network=X!',
      'topics=a,b,c,d,e,f,g,h,i,j,k',
      'topics=rust&extra=1',
    ]) {
      const answer = await get<{ status: number; title: string }>(`/v1/search/influencers?${query}`);
      expect([query, answer.status, answer.contentType]).toEqual([query, 400, 'application/problem+json']);
      expect(answer.body.status).toBe(400);
    }
  });

  it('orders by rising: the account whose relevance grew since the first run of the day comes first', async () => {
    expect((await sway.ingest(JSON.stringify({ interactions: fans('niche', 'late-fan', 9, ['rust']) }))).status).toBe(202);
    await sway.drained();
    await sway.recompute();
    const rising = await search('topics=rust&sort=rising&limit=100');
    expect(rising.items[0]!.id).toBe('niche');
    expect(rising.items[0]!.rising).toBeGreaterThan(0);
    const changes = rising.items.map((item) => item.rising);
    expect(changes).toEqual([...changes].sort((a, b) => b - a));
  });
});

describe('campaign preferences', () => {
  it('default to taking part; false keeps an account out at once, true lets it back', async () => {
    expect((await get<Preferences>('/v1/accounts/x/rust-star/preferences')).body).toEqual({ campaigns: true });
    expect((await sway.admin('PUT', '/v1/accounts/x/rust-star/preferences', JSON.stringify({ campaigns: false }))).status).toBe(200);
    expect((await get<Preferences>('/v1/accounts/x/rust-star/preferences')).body).toEqual({ campaigns: false });
    expect(ids(await search('topics=rust&limit=100'))).not.toContain('rust-star');
    // The account's scores are untouched.
    expect((await get<{ score: number }>('/v1/accounts/x/rust-star')).status).toBe(200);
    expect((await sway.admin('PUT', '/v1/accounts/x/rust-star/preferences', JSON.stringify({ campaigns: true }))).status).toBe(200);
    expect(ids(await search('topics=rust&limit=100'))).toContain('rust-star');
  });

  it('are kept for an account not seen yet, which stays unseen', async () => {
    expect((await sway.admin('PUT', '/v1/accounts/x/newcomer/preferences', JSON.stringify({ campaigns: false }))).status).toBe(200);
    expect((await get<Preferences>('/v1/accounts/x/newcomer/preferences')).body).toEqual({ campaigns: false });
    expect((await get<unknown>('/v1/accounts/x/newcomer')).status).toBe(404);
  });

  it('refuse bad input, anonymous writes and opted-out accounts', async () => {
    for (const body of ['', '{}', '{"campaigns":"no"}', '{"campaigns":false,"extra":1}', 'not json']) {
      const answer = await sway.admin('PUT', '/v1/accounts/x/rust-star/preferences', body || undefined);
      expect([body, answer.status, answer.headers['content-type']]).toEqual([body, 400, 'application/problem+json']);
    }
    const anonymous = await sway.request({
      method: 'PUT',
      url: '/v1/accounts/x/rust-star/preferences',
      headers: { 'content-type': 'application/json' },
      body: '{"campaigns":false}',
    });
    expect(anonymous.status).toBe(401);
    expect((await get<Preferences>('/v1/accounts/x/rust-star/preferences')).body).toEqual({ campaigns: true });
    expect((await sway.admin('PUT', '/v1/accounts/x/leaver/preferences', JSON.stringify({ campaigns: true }))).status).toBe(410);
    expect((await get<unknown>('/v1/accounts/x/leaver/preferences')).status).toBe(410);
  });
});

describe('audience overlap', () => {
  it('counts each account’s distinct engagers and the ones they share, exactly', async () => {
    const answer = await get<Audience>('/v1/accounts/x/both/audience?with=x:rust-star-handle&topic=rust');
    expect(answer.status).toBe(200);
    // both: 8 fans and the 4 shared in rust; rust-star: 14 fans and the 4 shared.
    expect(answer.body).toEqual({ engagers: 12, withEngagers: 18, shared: 4, jaccard: Math.round((4 / 26) * 1000) / 1000, estimated: false });
    const overall = (await get<Audience>('/v1/accounts/x/both/audience?with=x:rust-star')).body;
    expect(overall).toMatchObject({ engagers: 20, withEngagers: 18, shared: 4 });
    const disjoint = (await get<Audience>('/v1/accounts/x/both/audience?with=x:wasm-mid&topic=wasm')).body;
    expect(disjoint).toEqual({ engagers: 8, withEngagers: 5, shared: 0, jaccard: 0, estimated: false });
  });

  it('answers 404 for an account never seen, 410 for one that opted out, 400 for a bad `with`', async () => {
    expect((await get<unknown>('/v1/accounts/x/both/audience?with=x:nobody')).status).toBe(404);
    expect((await get<unknown>('/v1/accounts/x/both/audience?with=x:leaver')).status).toBe(410);
    for (const query of ['', 'with=', 'with=rust-star', 'with=X:rust-star', 'with=x:rust-star&topic=Bad!', 'with=x:a&other=1']) {
      const answer = await get<unknown>(`/v1/accounts/x/both/audience?${query}`);
      expect([query, answer.status, answer.contentType]).toEqual([query, 400, 'application/problem+json']);
    }
  });
});
