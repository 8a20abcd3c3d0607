/**
 * The Bluesky consumer end to end below the handler: a local Jetstream stand-in on 127.0.0.1
 * replaying a recorded stream over a real WebSocket, the real ingestion (dedupe + the local queue)
 * and the real apply step, against DynamoDB Local.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestInteractions } from '../../lib/app/ingestion/ingest-interactions';
import { QueuedInteractionsSchema } from '../../lib/domain/interactions/queued';
import { consumeJetstream, defaultConsumerOptions, type JetstreamConsumerPorts } from '../../lib/app/bluesky/consume-jetstream';
import { openJetstream, subscriptionUrl } from '../../lib/adapters/jetstream/jetstream-socket';
import { LocalQueue } from '../../lib/dev/local-queue';
import { OVERALL_TOPIC } from '../../lib/adapters/dynamodb/keys';
import { logHarness } from '../support/log-harness';
import { malformedFrames, people, recordedStream } from '../support/bluesky-fixtures';
import { isolatedTables } from '../support/isolated-tables';
import { startJetstreamReplay, type JetstreamReplay } from '../support/jetstream-replay';

const stream = recordedStream();
const timeOf = (index: number) => stream[index]!.time_us;
const lastTimeUs = timeOf(stream.length - 1);
const REWIND_US = defaultConsumerOptions.rewindSeconds * 1_000_000;

let log: ReturnType<typeof logHarness>;
let store: ReturnType<typeof logHarness>['ingest'];
let queue: LocalQueue;
let server: JetstreamReplay;

beforeEach(async () => {
  const { db, mainTable, queueDir } = await isolatedTables();
  log = logHarness(db, mainTable);
  store = log.ingest;
  queue = new LocalQueue(queueDir);
});

afterEach(async () => {
  await server?.close();
});

/** Ports on the real store, queue and socket; the run ends once `done` says so, or after `budgetMs`. */
const portsFor = (done: (progress: { savedUs: number | null }) => boolean, budgetMs = 20_000): JetstreamConsumerPorts => {
  const progress = { savedUs: null as number | null };
  const deadline = Date.now() + budgetMs;
  return {
    connect: (cursorUs) => openJetstream(subscriptionUrl(server.url, cursorUs)),
    storedCursor: () => store.jetstreamCursor(),
    saveCursor: async (timeUs) => {
      await store.saveJetstreamCursor(timeUs, new Date().toISOString());
      progress.savedUs = timeUs;
    },
    ingest: (interactions, alongside) =>
      ingestInteractions(interactions, { queue, appliedInteractions: (refs) => store.appliedInteractions(refs) }, new Date(), alongside),
    timeLeftMs: () => (done(progress) ? 0 : deadline - Date.now()),
  };
};
const untilSaved = (timeUs: number) => (progress: { savedUs: number | null }) => (progress.savedUs ?? 0) >= timeUs;

/** What the apply step (SQS → apply-interactions in AWS) does with everything queued so far. */
const applyQueued = async () => {
  for (;;) {
    const messages = await queue.receive('interactions', 50, 60);
    if (messages.length === 0) return;
    for (const message of messages) await log.apply(QueuedInteractionsSchema.parse(JSON.parse(message.body)));
    await queue.deleteMessages(
      'interactions',
      messages.map((message) => message.messageId),
    );
  }
};

const nameOf = new Map(Object.entries(people).map(([name, did]) => [`bluesky:${did}`, name]));

/** Overall engagement counts as `author <- engager: {type: n}`, read from the log. */
const engagements = async () => {
  const summary: Record<string, Record<string, number>> = {};
  for (const edge of (await log.window(OVERALL_TOPIC)).filter((row) => row.kind === 'edge')) {
    for (const [type, count] of Object.entries(edge.counts)) {
      const key = `${nameOf.get(edge.author)} <- ${nameOf.get(edge.engager!)}`;
      summary[key] = { ...summary[key], [type]: (summary[key]?.[type] ?? 0) + count };
    }
  }
  return summary;
};

const postCounts = async () => {
  const counts: Record<string, number> = {};
  for (const post of (await log.window(OVERALL_TOPIC)).filter((row) => row.kind === 'post')) {
    counts[nameOf.get(post.author)!] = (counts[nameOf.get(post.author)!] ?? 0) + post.counts.posts!;
  }
  return counts;
};

/** How many interactions count, read from the log: one per (author, engager, day, type) engagement and post. */
const countedInteractions = async () =>
  (await log.window(OVERALL_TOPIC)).filter((row) => row.kind !== 'content').reduce((sum, row) => sum + Object.values(row.counts).reduce((a, b) => a + b, 0), 0);

/**
 * The recorded stream, applied once: bo's like of ana's post was taken back (un-like), and eli's
 * quote post with its quote went with the post's deletion; bo's like of it stays.
 */
const expectedEngagements = {
  'ana <- chen': { share: 1, reply: 1, mention: 1 },
  'ana <- dara': { follow: 1, like: 1 },
  'chen <- ana': { reply: 1 },
  'bo <- chen': { follow: 1 },
  'eli <- bo': { like: 1 },
};
const expectedPosts = { ana: 1, bo: 1 };

describe('the Bluesky consumer against DynamoDB Local and a local Jetstream', () => {
  it('applies a recorded stream once and keeps its cursor at the last event', async () => {
    server = await startJetstreamReplay(stream);
    await store.saveJetstreamCursor(timeOf(0) - 1, new Date().toISOString());

    const run = await consumeJetstream(portsFor(untilSaved(lastTimeUs)));
    await applyQueued();

    expect(run).toMatchObject({ events: 16, accepted: 16, duplicates: 0, ignored: 2, malformed: 0, connections: 1, cursorUs: lastTimeUs });
    expect(server.subscriptions).toEqual([
      {
        cursor: timeOf(0) - 1 - REWIND_US,
        wantedCollections: ['app.bsky.feed.post', 'app.bsky.feed.like', 'app.bsky.feed.repost', 'app.bsky.graph.follow'],
      },
    ]);
    expect(await store.jetstreamCursor()).toBe(lastTimeUs);
    expect(await engagements()).toEqual(expectedEngagements);
    expect(await postCounts()).toEqual(expectedPosts);
    // Reactions without topics of their own take those of the post they engage with.
    const photography = (await log.window('photography')).filter((row) => row.kind === 'edge');
    expect(photography.map((edge) => `${nameOf.get(edge.author)} <- ${nameOf.get(edge.engager!)}`).sort()).toEqual(['ana <- chen', 'eli <- bo']);
  });

  it('starts at the live tail when no cursor is stored', async () => {
    server = await startJetstreamReplay(stream.slice(0, 10));
    const live = { ...stream[12]!, time_us: timeOf(12) + 1 };
    const running = consumeJetstream(portsFor(untilSaved(live.time_us)));
    await server.waitForSubscriptions(1);
    server.publish(live);
    const run = await running;

    expect(server.subscriptions[0]!.cursor).toBeNull();
    expect(run).toMatchObject({ resumedFromUs: null, events: 1, accepted: 1, cursorUs: live.time_us });
  });

  it('resumes a run that failed mid-stream from the stored cursor, rewound, without loss or double counting', async () => {
    server = await startJetstreamReplay(stream);
    await store.saveJetstreamCursor(timeOf(0) - 1, new Date().toISOString());
    const failing = portsFor(untilSaved(lastTimeUs));
    let batches = 0;
    const ingest = failing.ingest;
    failing.ingest = async (interactions, alongside) => {
      if (++batches === 3) throw new Error('the queue is unavailable');
      return ingest(interactions, alongside);
    };
    await expect(consumeJetstream(failing, { ...defaultConsumerOptions, maxBatchEvents: 3 })).rejects.toThrow('the queue is unavailable');
    expect(await store.jetstreamCursor()).toBe(timeOf(5));
    await applyQueued();

    const run = await consumeJetstream(portsFor(untilSaved(lastTimeUs)));
    await applyQueued();

    expect(server.subscriptions[1]!.cursor).toBe(timeOf(5) - REWIND_US);
    // The rewind reads the repost, the reply with its mention and the follow again: already applied.
    expect(run).toMatchObject({ duplicates: 4, cursorUs: lastTimeUs });
    expect(await engagements()).toEqual(expectedEngagements);
    expect(await postCounts()).toEqual(expectedPosts);
  });

  it('replays a batch that was queued but whose cursor was never saved, and counts it once', async () => {
    server = await startJetstreamReplay(stream);
    await store.saveJetstreamCursor(timeOf(0) - 1, new Date().toISOString());
    const crashing = portsFor(untilSaved(lastTimeUs));
    let saves = 0;
    const saveCursor = crashing.saveCursor;
    crashing.saveCursor = async (timeUs) => {
      if (++saves === 2) throw new Error('crashed before saving the cursor');
      return saveCursor(timeUs);
    };
    await expect(consumeJetstream(crashing, { ...defaultConsumerOptions, maxBatchEvents: 3 })).rejects.toThrow('crashed before saving');
    expect(await store.jetstreamCursor()).toBe(timeOf(2));

    await consumeJetstream(portsFor(untilSaved(lastTimeUs)));
    await applyQueued();

    expect(await engagements()).toEqual(expectedEngagements);
    expect(await postCounts()).toEqual(expectedPosts);
  });

  it('reconnects after a dropped connection within the run, and the replay changes nothing', async () => {
    server = await startJetstreamReplay(stream);
    await store.saveJetstreamCursor(timeOf(0) - 1, new Date().toISOString());
    server.dropNextSubscriptionAfter(9);

    const run = await consumeJetstream(portsFor(untilSaved(lastTimeUs)));
    await applyQueued();

    expect(run.connections).toBe(2);
    expect(server.subscriptions[1]!.cursor).toBe(timeOf(8) - REWIND_US);
    expect(run.events).toBeGreaterThan(16);
    expect(await engagements()).toEqual(expectedEngagements);
    expect(await postCounts()).toEqual(expectedPosts);
  });

  it('changes nothing when the same events are delivered again after they were applied', async () => {
    server = await startJetstreamReplay(stream);
    await store.saveJetstreamCursor(timeOf(0) - 1, new Date().toISOString());
    await consumeJetstream(portsFor(untilSaved(lastTimeUs)));
    await applyQueued();
    const interactionsBefore = await countedInteractions();

    const running = consumeJetstream(portsFor(() => false, 2_000));
    await server.waitForSubscriptions(2);
    server.publish(...stream);
    const again = await running;
    await applyQueued();

    expect(again.events).toBeGreaterThanOrEqual(16);
    expect(again.duplicates).toBeGreaterThanOrEqual(10);
    expect(again.cursorUs).toBe(lastTimeUs);
    expect(await countedInteractions()).toBe(interactionsBefore);
    expect(await engagements()).toEqual(expectedEngagements);
    expect(await postCounts()).toEqual(expectedPosts);
  });

  it('counts malformed frames as ignored and reads on past them', async () => {
    server = await startJetstreamReplay([...stream.slice(0, 5), ...malformedFrames(), ...stream.slice(5)]);
    await store.saveJetstreamCursor(timeOf(0) - 1, new Date().toISOString());

    const run = await consumeJetstream(portsFor(untilSaved(lastTimeUs)));
    await applyQueued();

    expect(run).toMatchObject({ events: 22, accepted: 16, malformed: 4, ignored: 8, cursorUs: lastTimeUs });
    expect(await engagements()).toEqual(expectedEngagements);
  });
});
