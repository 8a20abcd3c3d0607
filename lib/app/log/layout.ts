/**
 * Where the interaction log and the recompute's state live in the object store (S3 in AWS, a
 * folder under SWAY_DATA_DIR on one machine), and how long each is kept: read by the stores, the
 * recompute and the CDK bucket's lifecycle rules.
 */
import { RETENTION_DAYS } from '../../domain/retention';

export const objectStoreLayout = {
  /** Parquet, one object per applied queue message: `log/day=YYYY-MM-DD/<digest>.parquet` (the day the message was received). */
  log: { prefix: 'log/', expireAfterDays: RETENTION_DAYS },
  /** The resolved state of every interaction id, one object per run, compacted to one per closed day. */
  index: { prefix: 'state/index/', expireAfterDays: RETENTION_DAYS },
  /** Content topics and deletions, and handle sightings, as the index. */
  content: { prefix: 'state/content/', expireAfterDays: RETENTION_DAYS },
  handles: { prefix: 'state/handles/', expireAfterDays: RETENTION_DAYS },
  /** Per day of the log, which of its objects runs have read. */
  processed: { prefix: 'state/processed/', expireAfterDays: RETENTION_DAYS },
  /** Per topic: its window of daily aggregates, its frozen model and its scores as of the last run. */
  topics: { prefix: 'state/topics/' },
  /** What a run hands from one unit to the next (topic lists, changes, results): deleted when the run ends, kept a week after one that failed. */
  runs: { prefix: 'runs/', expireAfterDays: 7 },
} as const;

/** The environment variable naming the bucket in AWS, and the folder on one machine. */
export const objectStoreEnv = { bucket: 'SWAY_LOG_BUCKET', directory: 'SWAY_LOG_DIR' } as const;
