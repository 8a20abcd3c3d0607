/** The WebSocket side of the Jetstream consumer, on the `ws` client (Node 20 has no stable global WebSocket). */
import WebSocket from 'ws';
import type { JetstreamConnection, Received } from '../../domain/networks/bluesky/jetstream-connection';
import { collections } from '../../domain/networks/bluesky/jetstream-event';

/** Frames held before the socket stops reading from the network, and how few let it read again. */
const PAUSE_AT_FRAMES = 10_000;
const RESUME_AT_FRAMES = 1_000;
const COMPACT_AT_FRAMES = 1_000;
const HANDSHAKE_TIMEOUT_MS = 10_000;
const CLOSE_TIMEOUT_MS = 2_000;

/**
 * The subscription URL: the configured one with Sway's `wantedCollections`, the accounts to follow
 * as `wantedDids` (when there are any, in place of those in the URL), and the cursor if there is one.
 */
export const subscriptionUrl = (baseUrl: string, cursorUs: number | undefined, wantedDids: readonly string[] = []): string => {
  const url = new URL(baseUrl);
  url.searchParams.delete('wantedCollections');
  url.searchParams.delete('cursor');
  for (const collection of Object.values(collections)) url.searchParams.append('wantedCollections', collection);
  if (wantedDids.length > 0) {
    url.searchParams.delete('wantedDids');
    for (const did of wantedDids) url.searchParams.append('wantedDids', did);
  }
  if (cursorUs !== undefined) url.searchParams.set('cursor', String(cursorUs));
  return url.toString();
};

const text = (data: WebSocket.RawData): string =>
  (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');

/** Opens a subscription; resolves once the handshake succeeded, rejects when it fails. */
export const openJetstream = (url: string): Promise<JetstreamConnection> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
    const frames: string[] = [];
    let next = 0;
    let ended: string | null = null;
    let wake: (() => void) | null = null;
    const notify = () => {
      wake?.();
      wake = null;
    };

    socket.on('message', (data) => {
      frames.push(text(data));
      if (frames.length - next >= PAUSE_AT_FRAMES) socket.pause();
      notify();
    });
    socket.on('close', (code, reason) => {
      ended ??= `closed (${code}${reason.length > 0 ? ` ${reason.toString('utf8')}` : ''})`;
      notify();
    });
    socket.on('error', (error) => {
      ended ??= error.message;
      notify();
      reject(error);
    });

    const take = (): Received | null => {
      if (next < frames.length) {
        const data = frames[next++]!;
        if (next >= COMPACT_AT_FRAMES) {
          frames.splice(0, next);
          next = 0;
        }
        if (socket.isPaused && frames.length - next <= RESUME_AT_FRAMES) socket.resume();
        return { kind: 'frame', data };
      }
      return ended === null ? null : { kind: 'closed', reason: ended };
    };

    const connection: JetstreamConnection = {
      receive: async (waitMs) => {
        const ready = take();
        if (ready) return ready;
        await new Promise<void>((woken) => {
          const timer = setTimeout(woken, waitMs);
          wake = () => {
            clearTimeout(timer);
            woken();
          };
        });
        return take() ?? { kind: 'idle' };
      },
      close: async () => {
        if (socket.readyState === WebSocket.CLOSED) return;
        await new Promise<void>((closed) => {
          const timer = setTimeout(() => {
            socket.terminate();
            closed();
          }, CLOSE_TIMEOUT_MS);
          socket.once('close', () => {
            clearTimeout(timer);
            closed();
          });
          socket.close(1000);
        });
      },
    };
    socket.once('open', () => resolve(connection));
  });
