/**
 * Bluesky handles come only from what an account publishes about itself (issue 11, finding 7):
 * the name a poster writes at a mention is not taken as the mentioned account's handle, so nobody
 * can give a DID a famous handle and have lookups follow it; an identity event names the account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestInteractions } from '../../lib/app/ingestion/ingest-interactions';
import { microsToIso, normalizeJetstreamEvent, readJetstreamFrame } from '../../lib/domain/networks/bluesky/normalize';
import { combine } from '../../lib/domain/networks/normalized';
import { startInProcessSway, type InProcessSway } from '../support/in-process-sway';

let sway: InProcessSway;
beforeAll(async () => {
  sway = await startInProcessSway();
  await sway.startConsumers();
});
afterAll(async () => {
  await sway.stopConsumers();
});

const victim = 'did:plc:victimvictimvictimvictim';
const mallory = 'did:plc:mallorymallorymallorymal';
const fans = Array.from({ length: 4 }, (_, i) => `did:plc:fan${i}fan${i}fan${i}fan${i}fan${i}fan`);
let clock = Date.now() * 1000 - 3_600_000_000;
const timeUs = () => (clock += 1_000_000);

const post = (did: string, rkey: string, text: string, facets: unknown[] = []) => ({
  did,
  time_us: timeUs(),
  kind: 'commit',
  commit: {
    rev: `r${rkey}`,
    operation: 'create',
    collection: 'app.bsky.feed.post',
    rkey,
    cid: `c${rkey}`,
    record: { text, facets, createdAt: microsToIso(clock) },
  },
});
const like = (did: string, rkey: string, subject: string) => ({
  did,
  time_us: timeUs(),
  kind: 'commit',
  commit: {
    rev: `r${rkey}`,
    operation: 'create',
    collection: 'app.bsky.feed.like',
    rkey,
    cid: `c${rkey}`,
    record: { subject: { uri: subject, cid: 'x' }, createdAt: microsToIso(clock) },
  },
});
const identity = (did: string, handle: string) => ({ did, time_us: timeUs(), kind: 'identity', identity: { did, handle, seq: 1, time: microsToIso(clock) } });

const read = async (events: object[]) => {
  const normalized = combine(events.map((event) => normalizeJetstreamEvent(readJetstreamFrame(JSON.stringify(event))!)));
  await ingestInteractions(
    normalized.interactions,
    { queue: sway.queue, appliedInteractions: (refs) => sway.stores.ingest.appliedInteractions(refs) },
    new Date(),
    normalized,
  );
  await sway.drained();
  await sway.recompute();
};
const get = (url: string) => sway.request({ method: 'GET', url });

describe('Bluesky handles', () => {
  it('never takes the name a poster writes at a mention as the mentioned account’s handle', async () => {
    const shown = '@famous.bsky.social';
    const text = `hello ${shown}`;
    const start = Buffer.byteLength('hello ');
    const forged = post(mallory, '3forged', text, [
      { index: { byteStart: start, byteEnd: start + Buffer.byteLength(shown) }, features: [{ $type: 'app.bsky.richtext.facet#mention', did: victim }] },
    ]);
    const victimsPost = post(victim, '3own', 'my own words');
    const subject = `at://${victim}/app.bsky.feed.post/3own`;
    await read([forged, victimsPost, ...fans.map((fan, i) => like(fan, `3like${i}`, subject))]);

    expect((await get(`/v1/accounts/bluesky/${victim}`)).status).toBe(200);
    expect((await get('/v1/accounts/bluesky/famous.bsky.social')).status).toBe(404);
    expect(JSON.parse((await get(`/v1/accounts/bluesky/${victim}`)).body)).toMatchObject({ handle: null });
  });

  it('takes the handle the account’s own identity event states', async () => {
    await read([identity(victim, 'Victim.Example.org')]);
    const byHandle = await get('/v1/accounts/bluesky/victim.example.org');
    expect(byHandle.status).toBe(200);
    expect(JSON.parse(byHandle.body)).toMatchObject({ id: victim, handle: 'victim.example.org' });
    const board = JSON.parse((await get('/v1/leaderboard?network=bluesky')).body) as { items: { id: string; handle: string | null }[] };
    expect(board.items.find((entry) => entry.id === victim)?.handle).toBe('victim.example.org');
  });
});
