/**
 * Key layout of the single main table. Every key part that comes from outside is URI-encoded so
 * that `#` separators cannot be forged by an id.
 *
 * | item                     | pk                          | sk                              |
 * |--------------------------|-----------------------------|---------------------------------|
 * | interaction (dedup)      | INT#{network}#{id}          | INT                             |
 * | webhook delivery id      | DELIVERY#{network}#{id}     | DELIVERY                        |
 * | handle an account claims | HANDLES#{shard}             | {network}#{id}                  |
 * | content topics           | CONTENT#{network}#{id}      | CONTENT                         |
 * | content's interactions   | CONTENT#{network}#{id}      | INTERACTIONS                    |
 * | engagement aggregate     | EDGE#{topic}#{shard}        | {day}#{author}#{engager}        |
 * | post aggregate           | POST#{topic}#{shard}        | {day}#{author}                  |
 * | content responses        | CRESP#{topic}#{shard}       | {author}#{contentId}            |
 * | explanation              | ACC#{network}#{id}          | EXPLAIN#{topic}                 |
 * | daily score history      | HIST#{network}#{id}         | {topic}#{day}                   |
 * | topic registry           | TOPICREG                    | {topic}                         |
 * | interaction counter      | STATS                       | interactions#{shard}            |
 * | account score            | ACC#{network}#{id}          | SCORE                           |
 * | board pointer            | BOARDPTR#{board}            | BOARDPTR                        |
 * | board entry              | BOARD#{board}#{version}     | {rank, zero-padded}             |
 * | opt-out (to purge)       | OPTOUT                      | {digest of network:id}          |
 * | opt-out epoch            | RUNS                        | OPTOUTS                         |
 * | run                      | RUN#{runId}                 | RUN                             |
 * | last run / run lock      | RUNS                        | LAST / LOCK                     |
 * | Jetstream cursor         | CURSOR                      | jetstream                       |
 * | profile                  | PROFILE#{profileId}         | PROFILE                         |
 */
import { createHash } from 'node:crypto';

/** Aggregates of one topic are spread over this many partitions so a recompute reads them in parallel. */
export const AGGREGATE_SHARDS = 8;
export const COUNTER_SHARDS = 8;
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

export const shardOf = (value: string, shards: number): number =>
  createHash('sha1').update(value).digest().readUInt32BE(0) % shards;

export const keys = {
  interaction: (network: string, id: string) => ({ pk: `INT#${network}#${enc(id)}`, sk: 'INT' }),
  handleClaimPartition: (shard: number) => `HANDLES#${shard}`,
  /** The handle an account published for itself, the latest seen. */
  handleClaim: (network: string, id: string) => ({
    pk: keys.handleClaimPartition(shardOf(`${network}:${id}`, AGGREGATE_SHARDS)),
    sk: `${network}#${enc(id)}`,
  }),
  /** A webhook delivery taken, by the id its network gave it: a second one with that id is a replay. */
  delivery: (network: string, deliveryId: string) => ({ pk: `DELIVERY#${network}#${enc(deliveryId)}`, sk: 'DELIVERY' }),
  content: (network: string, contentId: string) => ({ pk: `CONTENT#${network}#${enc(contentId)}`, sk: 'CONTENT' }),
  /** The ids of the interactions a piece of content brought, and its tombstone once deleted. */
  contentInteractions: (network: string, contentId: string) => ({ pk: `CONTENT#${network}#${enc(contentId)}`, sk: 'INTERACTIONS' }),
  edgePartition: (topic: string, shard: number) => `EDGE#${topic}#${shard}`,
  edge: (topic: string, day: string, author: string, engager: string) => ({
    pk: keys.edgePartition(topic, shardOf(author, AGGREGATE_SHARDS)),
    sk: `${day}#${enc(author)}#${enc(engager)}`,
  }),
  postPartition: (topic: string, shard: number) => `POST#${topic}#${shard}`,
  post: (topic: string, day: string, author: string) => ({
    pk: keys.postPartition(topic, shardOf(author, AGGREGATE_SHARDS)),
    sk: `${day}#${enc(author)}`,
  }),
  contentResponsesPartition: (topic: string, shard: number) => `CRESP#${topic}#${shard}`,
  contentResponses: (topic: string, author: string, contentId: string) => ({
    pk: keys.contentResponsesPartition(topic, shardOf(author, AGGREGATE_SHARDS)),
    sk: `${enc(author)}#${enc(contentId)}`,
  }),
  explanation: (network: string, id: string, topic: string) => ({ pk: `ACC#${network}#${enc(id)}`, sk: `EXPLAIN#${topic}` }),
  history: (network: string, id: string, topic: string, day: string) => ({ pk: `HIST#${network}#${enc(id)}`, sk: `${topic}#${day}` }),
  topicRegistryPartition: 'TOPICREG',
  topicRegistry: (topic: string) => ({ pk: 'TOPICREG', sk: topic }),
  statsPartition: 'STATS',
  interactionCounter: (interactionKey: string) => ({
    pk: 'STATS',
    sk: `interactions#${shardOf(interactionKey, COUNTER_SHARDS)}`,
  }),
  accountScore: (network: string, id: string) => ({ pk: `ACC#${network}#${enc(id)}`, sk: 'SCORE' }),
  boardPointer: (board: string) => ({ pk: `BOARDPTR#${board}`, sk: 'BOARDPTR' }),
  boardPartition: (board: string, version: string) => `BOARD#${board}#${version}`,
  boardEntry: (board: string, version: string, rank: number) => ({
    pk: keys.boardPartition(board, version),
    sk: String(rank).padStart(9, '0'),
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
