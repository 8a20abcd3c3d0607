import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const fixtureDir = join(__dirname, '..', 'fixtures', 'networks', 'bluesky');

export interface RecordedEvent {
  did: string;
  time_us: number;
  kind: string;
  commit?: { operation: string; collection: string; rkey: string; record?: Record<string, any> };
}

/**
 * A recorded Jetstream stretch of 16 events in the documented shapes: posts with tag and mention
 * facets (unicode text, byte offsets), a thread of replies, a quote with media, likes, a repost,
 * follows, an un-like, a deleted post, an update, and identity and account events.
 */
export const recordedStream = (): RecordedEvent[] =>
  readFileSync(join(fixtureDir, 'stream.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RecordedEvent);

/** Frames no consumer should choke on: not JSON, no DID, no time, a create without its record, a subject named by handle. */
export const malformedFrames = (): string[] => readFileSync(join(fixtureDir, 'malformed-frames.txt'), 'utf8').split('\n').filter(Boolean);

/** The fixture's accounts by the name they go by in the tests. */
export const people = (() => {
  const stream = recordedStream();
  const didOf = (index: number) => stream[index]!.did;
  return { ana: didOf(0), bo: didOf(2), chen: didOf(3), dara: didOf(5), eli: didOf(6) };
})();

export const uriOf = (event: RecordedEvent): string => `at://${event.did}/${event.commit!.collection}/${event.commit!.rkey}`;
