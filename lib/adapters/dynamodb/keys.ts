/**
 * Key layout of the single DynamoDB table: what lookups read and what ingestion needs to know at
 * once. Interactions themselves live in the interaction log (lib/app/log), not here. Every key part
 * that comes from outside is URI-encoded so that `#` separators cannot be forged by an id.
 *
 * | item                         | pk                          | sk                  |
 * |------------------------------|-----------------------------|---------------------|
 * | interaction applied (dedupe) | INT#{network}#{id}          | INT                 |
 * | webhook delivery id          | DELIVERY#{network}#{id}     | DELIVERY            |
 * | account (or its opt-out)     | ACC#{network}#{id}          | SCORE               |
 * | explanation                  | ACC#{network}#{id}          | EXPLAIN#{topic}     |
 * | daily score history          | HIST#{network}#{id}         | {topic}#{day}       |
 * | rank index of a topic        | RANK#{topic}                | RANK                |
 * | board pointer                | BOARDPTR#{board}            | BOARDPTR            |
 * | board chunk (100 entries)    | BOARD#{board}#{version}     | {chunk, padded}     |
 * | opt-out to purge             | OPTOUT                      | {digest of account} |
 * | opt-out epoch                | RUNS                        | OPTOUTS             |
 * | run                          | RUN#{runId}                 | RUN                 |
 * | last run / run lock          | RUNS                        | LAST / LOCK         |
 * | Jetstream cursor             | CURSOR                      | jetstream           |
 * | profile                      | PROFILE#{profileId}         | PROFILE             |
 * | lookups of an API key        | RATE#{digest of the key}    | {epoch second}      |
 */
import { createHash } from 'node:crypto';

/** The pseudo-topic that holds every interaction: the overall score. */
export const OVERALL_TOPIC = '*';

/**
 * Longest encoded id kept as it is in a key. DynamoDB refuses partition keys over 2,048 bytes and
 * sort keys over 1,024; ids may be 512 characters, which URI-encode to several times that.
 */
const MAX_ENCODED_KEY_PART = 200;

/**
 * A key part from an outside value: URI-encoded, so `#` cannot be forged; a long one is replaced by
 * its digest, marked `%~` (which URI-encoding never produces, so no id can collide with it).
 */
export const enc = (value: string): string => {
  const encoded = encodeURIComponent(value);
  return encoded.length <= MAX_ENCODED_KEY_PART ? encoded : `%~${createHash('sha256').update(value).digest('base64url')}`;
};

const BOARD_CHUNK_DIGITS = 6;

export const keys = {
  interaction: (network: string, id: string) => ({ pk: `INT#${network}#${enc(id)}`, sk: 'INT' }),
  delivery: (network: string, deliveryId: string) => ({ pk: `DELIVERY#${network}#${enc(deliveryId)}`, sk: 'DELIVERY' }),
  accountScore: (network: string, id: string) => ({ pk: `ACC#${network}#${enc(id)}`, sk: 'SCORE' }),
  explanation: (network: string, id: string, topic: string) => ({ pk: `ACC#${network}#${enc(id)}`, sk: `EXPLAIN#${topic}` }),
  history: (network: string, id: string, topic: string, day: string) => ({ pk: `HIST#${network}#${enc(id)}`, sk: `${topic}#${day}` }),
  rankIndex: (topic: string) => ({ pk: `RANK#${topic}`, sk: 'RANK' }),
  boardPointer: (board: string) => ({ pk: `BOARDPTR#${board}`, sk: 'BOARDPTR' }),
  boardPartition: (board: string, version: string) => `BOARD#${board}#${version}`,
  boardChunk: (board: string, version: string, chunk: number) => ({
    pk: keys.boardPartition(board, version),
    sk: String(chunk).padStart(BOARD_CHUNK_DIGITS, '0'),
  }),
  optOutPartition: 'OPTOUT',
  /** Keyed by a digest: once the account is purged, the entry keeps no trace of who it was. */
  optOut: (accountDigest: string) => ({ pk: 'OPTOUT', sk: accountDigest }),
  /** A counter every opt-out moves on, so a run can tell that one landed since it read them. */
  optOutEpoch: { pk: 'RUNS', sk: 'OPTOUTS' },
  profile: (profileId: string) => ({ pk: `PROFILE#${enc(profileId)}`, sk: 'PROFILE' }),
  run: (runId: string) => ({ pk: `RUN#${runId}`, sk: 'RUN' }),
  lastRun: { pk: 'RUNS', sk: 'LAST' },
  runLock: { pk: 'RUNS', sk: 'LOCK' },
  health: { pk: 'HEALTH', sk: 'HEALTH' },
  /** Where the Bluesky consumer resumes: the `time_us` of the last event it queued. */
  jetstreamCursor: { pk: 'CURSOR', sk: 'jetstream' },
};

/** Leaderboards and the topic list are boards: versioned, ranked lists whose pointer flips when complete. */
export const boards = {
  leaderboard: (topic: string, network?: string) => `lb:${topic}:${network ?? '*'}`,
  topics: 'topics',
};
