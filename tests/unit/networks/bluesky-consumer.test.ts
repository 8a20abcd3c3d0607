import { describe, expect, it } from 'vitest';
import { consumeJetstream, defaultConsumerOptions, type JetstreamConsumerPorts } from '../../../lib/app/bluesky/consume-jetstream';
import type { JetstreamConnection, Received } from '../../../lib/domain/networks/bluesky/jetstream-connection';
import { recordedStream } from '../../support/bluesky-fixtures';

const stream = recordedStream();
const frames = stream.map((event) => JSON.stringify(event));
const timeOf = (index: number) => stream[index]!.time_us;
const options = { ...defaultConsumerOptions, maxBatchEvents: 4, reconnectDelayMs: 1 };

/**
 * Ports around scripted connections: each connection sends its frames, then closes (`'closed'`)
 * or, for the last one, ends the run's time. Every call is logged in order.
 */
const scripted = (connections: (string | 'closed')[][], storedCursor: number | null = null) => {
  const log: (string | number | undefined)[][] = [];
  let current = -1;
  let timeUp = false;
  const ports: JetstreamConsumerPorts = {
    connect: async (cursorUs) => {
      log.push(['connect', cursorUs]);
      const script = [...(connections[++current] ?? [])];
      const connection: JetstreamConnection = {
        receive: async (): Promise<Received> => {
          const next = script.shift();
          if (next === 'closed') return { kind: 'closed', reason: 'closed (1006)' };
          if (next !== undefined) return { kind: 'frame', data: next };
          if (current === connections.length - 1) timeUp = true;
          return { kind: 'idle' };
        },
        close: async () => undefined,
      };
      return connection;
    },
    storedCursor: async () => storedCursor,
    saveCursor: async (timeUs) => {
      log.push(['save', timeUs]);
    },
    ingest: async (interactions, { retractions, handles }) => {
      log.push(['ingest', interactions.length + retractions.length + handles.length]);
      return { accepted: interactions.length + retractions.length + handles.length, duplicates: 0 };
    },
    timeLeftMs: () => (timeUp ? 0 : 1_000),
  };
  return { ports, log };
};

describe('the Jetstream consumer loop', () => {
  it('connects five seconds before the stored cursor and saves each batch’s last time only after queueing it', async () => {
    const { ports, log } = scripted([frames.slice(0, 8)], timeOf(0) - 1);
    const run = await consumeJetstream(ports, options);
    expect(log).toEqual([
      ['connect', timeOf(0) - 1 - 5_000_000],
      ['ingest', 4], // post, like, repost, and the handle of the identity event
      ['save', timeOf(3)],
      ['ingest', 6], // reply + mention, follow, post + quote, reply
      ['save', timeOf(7)],
    ]);
    expect(run).toMatchObject({ resumedFromUs: timeOf(0) - 1, cursorUs: timeOf(7), events: 8, accepted: 10, ignored: 0, connections: 1 });
  });

  it('starts at the live tail when there is no cursor yet', async () => {
    const { ports, log } = scripted([frames.slice(0, 1)]);
    await consumeJetstream(ports, options);
    expect(log[0]).toEqual(['connect', undefined]);
    expect(log.at(-1)).toEqual(['save', timeOf(0)]);
  });

  it('keeps the cursor of the last queued batch when queueing fails, and fails the run', async () => {
    const { ports, log } = scripted([frames.slice(0, 8)], timeOf(0) - 1);
    let batches = 0;
    const ingest = ports.ingest;
    ports.ingest = async (interactions, alongside) => {
      if (++batches === 2) throw new Error('queue unavailable');
      return ingest(interactions, alongside);
    };
    await expect(consumeJetstream(ports, options)).rejects.toThrow('queue unavailable');
    expect(log.filter(([call]) => call === 'save')).toEqual([['save', timeOf(3)]]);
  });

  it('reconnects after a dropped connection from the cursor it saved, rewound', async () => {
    const { ports, log } = scripted([[...frames.slice(0, 6), 'closed'], frames.slice(6, 8)], timeOf(0) - 1);
    const run = await consumeJetstream(ports, options);
    expect(log.filter(([call]) => call === 'connect')).toEqual([
      ['connect', timeOf(0) - 1 - 5_000_000],
      ['connect', timeOf(5) - 5_000_000],
    ]);
    expect(run).toMatchObject({ connections: 2, events: 8, cursorUs: timeOf(7) });
  });

  it('never moves the cursor back for a replayed stretch', async () => {
    const { ports, log } = scripted([frames.slice(0, 4)], timeOf(10));
    const run = await consumeJetstream(ports, options);
    expect(log.filter(([call]) => call === 'save')).toEqual([]);
    expect(run.cursorUs).toBe(timeOf(10));
  });

  it('fails a run that never reached Jetstream', async () => {
    let attempts = 0;
    const deadline = Date.now() + 200;
    const ports: JetstreamConsumerPorts = {
      connect: async () => {
        attempts++;
        throw new Error('connect ECONNREFUSED 127.0.0.1:9');
      },
      storedCursor: async () => null,
      saveCursor: async () => undefined,
      ingest: async () => ({ accepted: 0, duplicates: 0 }),
      timeLeftMs: () => deadline - Date.now(),
    };
    await expect(consumeJetstream(ports, { ...options, reconnectDelayMs: 20, maxReconnectDelayMs: 40 })).rejects.toThrow(
      /could not connect to Jetstream .*ECONNREFUSED/,
    );
    expect(attempts).toBeGreaterThan(2);
  });
});
