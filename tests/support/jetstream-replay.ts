/**
 * A stand-in for Jetstream on 127.0.0.1: replays a recording from the `cursor` a subscriber asks
 * for (events with `time_us` greater than it), then sends what is published live. Without a cursor
 * a subscriber gets the live tail only, as from Jetstream. Commits are filtered by
 * `wantedCollections`; identity and account events and unreadable frames go to everyone.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface Subscription {
  cursor: number | null;
  wantedCollections: string[];
}

export interface JetstreamReplay {
  url: string;
  subscriptions: Subscription[];
  /** Appends to the recording and sends to every open subscription that wants it. */
  publish(...frames: (object | string)[]): void;
  /** The next subscription is cut off abruptly once it has been sent this many frames. */
  dropNextSubscriptionAfter(frames: number): void;
  waitForSubscriptions(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface Entry {
  timeUs: number;
  collection: string | null;
  frame: string;
}

interface Subscriber {
  socket: WebSocket;
  wanted: Set<string>;
  framesLeft: number;
}

export const startJetstreamReplay = async (recording: (object | string)[] = []): Promise<JetstreamReplay> => {
  const entries: Entry[] = [];
  const subscribers = new Set<Subscriber>();
  const subscriptions: Subscription[] = [];
  let dropAfter = Number.POSITIVE_INFINITY;

  const entryOf = (item: object | string): Entry => {
    const frame = typeof item === 'string' ? item : JSON.stringify(item);
    let event: { time_us?: unknown; kind?: unknown; commit?: { collection?: unknown } } = {};
    try {
      event = (JSON.parse(frame) as typeof event) ?? {};
    } catch {
      // an unreadable frame keeps the position of the one before it
    }
    return {
      timeUs: typeof event.time_us === 'number' ? event.time_us : (entries.at(-1)?.timeUs ?? 0),
      collection: event.kind === 'commit' && typeof event.commit?.collection === 'string' ? event.commit.collection : null,
      frame,
    };
  };
  const deliver = (subscriber: Subscriber, entry: Entry) => {
    if (subscriber.framesLeft <= 0) return;
    if (entry.collection !== null && subscriber.wanted.size > 0 && !subscriber.wanted.has(entry.collection)) return;
    subscriber.socket.send(entry.frame);
    if (--subscriber.framesLeft === 0) {
      subscribers.delete(subscriber);
      subscriber.socket.terminate();
    }
  };
  for (const item of recording) entries.push(entryOf(item));

  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  server.on('connection', (socket, request) => {
    const query = new URL(request.url ?? '/', 'ws://127.0.0.1').searchParams;
    const cursor = query.has('cursor') ? Number(query.get('cursor')) : null;
    const subscription = { cursor, wantedCollections: query.getAll('wantedCollections') };
    subscriptions.push(subscription);
    const subscriber: Subscriber = { socket, wanted: new Set(subscription.wantedCollections), framesLeft: dropAfter };
    dropAfter = Number.POSITIVE_INFINITY;
    subscribers.add(subscriber);
    socket.on('close', () => subscribers.delete(subscriber));
    if (cursor !== null) for (const entry of entries.filter((candidate) => candidate.timeUs > cursor)) deliver(subscriber, entry);
  });

  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/subscribe`,
    subscriptions,
    publish: (...frames) => {
      for (const item of frames) {
        const entry = entryOf(item);
        entries.push(entry);
        for (const subscriber of [...subscribers]) deliver(subscriber, entry);
      }
    },
    dropNextSubscriptionAfter: (frames) => {
      dropAfter = frames;
    },
    waitForSubscriptions: async (count, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (subscriptions.length < count) {
        if (Date.now() > deadline) throw new Error(`no ${count} subscriptions within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: async () => {
      for (const subscriber of subscribers) subscriber.socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
