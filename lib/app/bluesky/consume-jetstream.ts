/**
 * Reads Jetstream for a bounded time and hands what it reads to the same ingestion as the HTTP
 * routes, in batches. The cursor (Jetstream's `time_us`) is saved only once everything up to it is
 * durably queued, and every (re)connection starts a few seconds before it: an event may be read
 * twice, never lost, and one read twice maps to the same interaction ids, so it counts once.
 */
import type { HandleClaim } from '../../domain/interactions/queued';
import type { Retraction } from '../../domain/interactions/retraction';
import type { Interaction } from '../../domain/interactions/schema';
import { normalizeJetstreamEvent, readJetstreamFrame } from '../../domain/networks/bluesky/normalize';
import type { JetstreamConnection } from '../../domain/networks/bluesky/jetstream-connection';

export interface JetstreamConsumerPorts {
  /** Opens a subscription from `cursorUs`, or at the live tail when it is undefined. */
  connect(cursorUs: number | undefined): Promise<JetstreamConnection>;
  storedCursor(): Promise<number | null>;
  saveCursor(timeUs: number): Promise<void>;
  /** Durably queues the batch (dedupe + enqueue) before it resolves. */
  ingest(interactions: Interaction[], alongside: { retractions: Retraction[]; handles: HandleClaim[] }): Promise<{ accepted: number; duplicates: number }>;
  /** Milliseconds left to read; at zero the consumer saves what it has and stops. */
  timeLeftMs(): number;
}

export interface JetstreamConsumerOptions {
  /** How far before the saved cursor a connection starts: Jetstream's advice for gapless playback. */
  rewindSeconds: number;
  /** A batch is queued when it holds this many events, or when the stream is idle for `idleFlushMs`. */
  maxBatchEvents: number;
  idleFlushMs: number;
  /** First wait before reconnecting; it doubles with each connection that brings nothing, up to `maxReconnectDelayMs`. */
  reconnectDelayMs: number;
  maxReconnectDelayMs: number;
}

export const defaultConsumerOptions: JetstreamConsumerOptions = {
  rewindSeconds: 5,
  maxBatchEvents: 500,
  idleFlushMs: 250,
  reconnectDelayMs: 250,
  maxReconnectDelayMs: 5_000,
};

export interface JetstreamRun {
  /** The cursor stored when the run began (null: none yet, so the run started at the live tail). */
  resumedFromUs: number | null;
  /** The cursor stored when the run ended. */
  cursorUs: number | null;
  /** Frames read, well-formed or not. */
  events: number;
  accepted: number;
  duplicates: number;
  /** Events that carry no interaction, malformed frames included. */
  ignored: number;
  malformed: number;
  connections: number;
  failedConnections: number;
}

interface Batch {
  events: number;
  interactions: Interaction[];
  retractions: Retraction[];
  handles: HandleClaim[];
  lastTimeUs: number | null;
}

const newBatch = (): Batch => ({ events: 0, interactions: [], retractions: [], handles: [], lastTimeUs: null });

const SLEEP_SLICE_MS = 250;

export const consumeJetstream = async (ports: JetstreamConsumerPorts, options: JetstreamConsumerOptions = defaultConsumerOptions): Promise<JetstreamRun> => {
  let cursor = await ports.storedCursor();
  const run: JetstreamRun = {
    resumedFromUs: cursor,
    cursorUs: cursor,
    events: 0,
    accepted: 0,
    duplicates: 0,
    ignored: 0,
    malformed: 0,
    connections: 0,
    failedConnections: 0,
  };
  let batch = newBatch();

  const read = (frame: string) => {
    run.events++;
    batch.events++;
    const event = readJetstreamFrame(frame);
    if (!event) {
      run.malformed++;
      run.ignored++;
      return;
    }
    batch.lastTimeUs = Math.max(batch.lastTimeUs ?? 0, event.time_us);
    const { interactions, retractions, ignored, handles = [] } = normalizeJetstreamEvent(event);
    run.ignored += ignored;
    batch.interactions.push(...interactions);
    batch.retractions.push(...retractions);
    batch.handles.push(...handles);
  };

  const flush = async () => {
    if (batch.interactions.length > 0 || batch.retractions.length > 0 || batch.handles.length > 0) {
      const result = await ports.ingest(batch.interactions, { retractions: batch.retractions, handles: batch.handles });
      run.accepted += result.accepted;
      run.duplicates += result.duplicates;
    }
    // Never backwards: a replayed stretch that ends before the cursor has nothing new to save.
    if (batch.lastTimeUs !== null && (cursor === null || batch.lastTimeUs > cursor)) {
      await ports.saveCursor(batch.lastTimeUs);
      cursor = batch.lastTimeUs;
      run.cursorUs = cursor;
    }
    batch = newBatch();
  };

  const pause = async (ms: number) => {
    const until = Date.now() + ms;
    while (ports.timeLeftMs() > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(SLEEP_SLICE_MS, until - Date.now())));
    }
  };

  let lastError = '';
  let fruitlessAttempts = 0;
  while (ports.timeLeftMs() > 0) {
    if (fruitlessAttempts > 0) {
      await pause(Math.min(options.maxReconnectDelayMs, options.reconnectDelayMs * 2 ** (fruitlessAttempts - 1)));
      if (ports.timeLeftMs() <= 0) break;
    }
    fruitlessAttempts++;
    let connection: JetstreamConnection;
    try {
      connection = await ports.connect(cursor === null ? undefined : Math.max(0, cursor - options.rewindSeconds * 1_000_000));
    } catch (error) {
      run.failedConnections++;
      lastError = (error as Error).message;
      continue;
    }
    run.connections++;
    try {
      for (let left = ports.timeLeftMs(); left > 0; left = ports.timeLeftMs()) {
        const received = await connection.receive(Math.min(options.idleFlushMs, left));
        if (received.kind === 'closed') break;
        if (received.kind === 'idle') {
          await flush();
          continue;
        }
        fruitlessAttempts = 0;
        read(received.data);
        if (batch.events >= options.maxBatchEvents) await flush();
      }
      await flush();
    } finally {
      await connection.close();
    }
  }

  if (run.connections === 0 && run.failedConnections > 0) {
    throw new Error(`could not connect to Jetstream (${run.failedConnections} attempts): ${lastError}`);
  }
  return run;
};
