/** What a Jetstream subscription delivers, one read at a time (lib/adapters/jetstream/jetstream-socket.ts over a WebSocket). */
export type Received = { kind: 'frame'; data: string } | { kind: 'idle' } | { kind: 'closed'; reason: string };

export interface JetstreamConnection {
  /** The next frame; `idle` when none came within `waitMs`; `closed` once the connection has ended. */
  receive(waitMs: number): Promise<Received>;
  close(): Promise<void>;
}
