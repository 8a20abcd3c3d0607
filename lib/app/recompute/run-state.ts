/**
 * What the recompute keeps between runs, in the object store: a manifest naming the committed state
 * (the resolved index of every interaction id, content topics and deletions, handle sightings; each
 * topic's window, scores and frozen model; which log objects were read), written whole by the last
 * unit of a run that succeeded. A run writes new files under new names and commits them by writing
 * the manifest, so a run that dies half way changes nothing the next run reads.
 */
import { z } from 'zod';
import type { ObjectStore } from '../../adapters/object-store/object-store';
import { RunModeSchema, TopicTaskSchema } from './units';

export const MANIFEST_KEY = 'state/manifest.json';

export const TopicHeadSchema = z.object({
  /** The run that wrote it. */
  version: z.string(),
  asOf: z.iso.datetime(),
  window: z.string(),
  /**
   * Delta files an incremental run scored without merging them into `window` (readers sum the
   * two: lib/app/aggregation/topic-window.ts). A full pass merges them, as does a run that would
   * leave more than MOST_UNMERGED_FILES or finds an opted-out account among its deltas.
   */
  windowDeltas: z.array(z.string()).optional(),
  scores: z.string(),
  /**
   * The files of its scores' explanations, oldest first, when an incremental run added one of the
   * accounts it rescored to its predecessors' (a row without a body: an account no longer scored);
   * an account's explanation is its row in the latest file that has one. Absent: the one file
   * `explanations-<version>.parquet` beside the window, as a full pass or a run that merged them writes it.
   */
  explanations: z.array(z.string()).optional(),
  /** The frozen model of the topic's last full pass. */
  model: z.string().nullable(),
  scoredAccounts: z.number().int().nonnegative(),
  /** The scores of the first run of each of the last 30 days, by day: what campaign search's `rising` compares with. */
  daily: z.record(z.string(), z.string()).optional(),
});
export type TopicHead = z.infer<typeof TopicHeadSchema>;

export const TopicStateSchema = z.object({
  head: TopicHeadSchema.nullable(),
  /** Delta files not yet merged into the window: a topic whose worker failed keeps them for the next run. */
  pending: z.array(z.string()),
});

export const ManifestSchema = z.object({
  version: z.string().nullable(),
  lastFullPass: z.iso.datetime().nullable(),
  index: z.array(z.string()),
  content: z.array(z.string()),
  handles: z.array(z.string()),
  /** Per day of the log, the object listing the log objects already read. */
  processed: z.record(z.string(), z.string()),
  /** By topic key (`_all` for the overall pseudo-topic). */
  topics: z.record(z.string(), TopicStateSchema),
  /** Interactions counting in the window as of the last run. */
  interactions: z.number().int().nonnegative(),
  /**
   * The same, by the day they occurred (YYYY-MM-DD), days of the window only: each run adds what
   * its log changed, so no run counts the index again, but for a run that purges an account (its
   * interactions leave the index) and the first full pass after a manifest written without them.
   */
  countedByDay: z.record(z.string(), z.number().int()).optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export const emptyManifest = (): Manifest => ({
  version: null,
  lastFullPass: null,
  index: [],
  content: [],
  handles: [],
  processed: {},
  topics: {},
  interactions: 0,
});

/** What prepare decided, for the topic workers and finish of the same run. */
export const RunPlanSchema = z.object({
  runId: z.string(),
  version: z.string(),
  asOf: z.iso.datetime(),
  mode: RunModeSchema,
  /** The first day of the scoring window (YYYY-MM-DD). */
  firstDay: z.string(),
  /** The manifest the run started from. */
  manifest: ManifestSchema,
  /** State files this run adds (committed with the manifest). */
  added: z.object({ index: z.array(z.string()), content: z.array(z.string()), handles: z.array(z.string()) }),
  /** State files this run replaces (compacted, or rewritten without an opted-out account). */
  replaced: z.array(z.string()),
  processed: z.record(z.string(), z.string()),
  /** New delta files by topic key. */
  deltas: z.record(z.string(), z.array(z.string())),
  /** Accounts (`network:id`) this run purges, and the dedupe keys of their interactions. */
  purging: z.array(z.string()),
  purgedInteractions: z.array(z.object({ network: z.string(), id: z.string() })),
  tasks: z.array(TopicTaskSchema),
  /** The opt-out epoch prepare read: a topic that reads a later one scores in full, leaving the new opt-outs out. */
  optOutEpoch: z.number().int().nonnegative(),
  interactions: z.number().int().nonnegative(),
  countedByDay: z.record(z.string(), z.number().int()).optional(),
});
export type RunPlan = z.infer<typeof RunPlanSchema>;

export const runPrefix = (runId: string) => `runs/${runId}/`;
export const planKey = (runId: string) => `${runPrefix(runId)}plan.json`;
export const topicsListKey = (runId: string) => `${runPrefix(runId)}topics.json`;
export const topicOutputKey = (runId: string, topicKey: string) => `${runPrefix(runId)}topics/${topicKey}.json`;
export const topicChangesKey = (runId: string, topicKey: string) => `${runPrefix(runId)}changes/${topicKey}.parquet`;

export const readJson = async <S extends z.ZodType>(objects: ObjectStore, key: string, schema: S): Promise<z.infer<S> | null> => {
  const bytes = await objects.get(key);
  return bytes ? schema.parse(JSON.parse(Buffer.from(bytes).toString('utf8'))) : null;
};

export const writeJson = (objects: ObjectStore, key: string, value: unknown): Promise<void> => objects.put(key, JSON.stringify(value));

export const readManifest = async (objects: ObjectStore): Promise<Manifest> => (await readJson(objects, MANIFEST_KEY, ManifestSchema)) ?? emptyManifest();

/** The version of a run: sortable by time, so that later state wins when state files are read together. */
export const runVersion = (asOf: string, runId: string): string => `${asOf.replace(/[^0-9]/g, '').slice(0, 17)}-${runId.slice(0, 12)}`;

/** How far back campaign search's `rising` looks. */
export const RISING_DAYS = 30;

/** The most files a topic keeps unmerged, of window deltas or of explanations: a run that would leave more merges them all. */
export const MOST_UNMERGED_FILES = 32;

/** Object-store calls a map item has in flight at once (its topics' files and outputs): S3 answers each in tens of milliseconds. */
export const OBJECT_CALLS_IN_FLIGHT = 8;

/** A head's explanation files, oldest first. */
export const explanationFilesOf = (head: Pick<TopicHead, 'window' | 'version' | 'explanations'>): string[] =>
  head.explanations ?? [head.window.replace(/window-[^/]+\.parquet$/, `explanations-${head.version}.parquet`)];

/** A head's window file, then the deltas not merged into it. */
export const windowFilesOf = (head: Pick<TopicHead, 'window' | 'windowDeltas'>): string[] => [head.window, ...(head.windowDeltas ?? [])];

/** Every object a head names: what must stay while it is committed, and may go once it is replaced. */
export const filesOfHead = (head: TopicHead): string[] => [
  ...windowFilesOf(head),
  head.scores,
  ...explanationFilesOf(head),
  ...(head.model ? [head.model] : []),
  ...Object.values(head.daily ?? {}),
];

/** The day (YYYY-MM-DD) `days` before `asOf`. */
export const daysBefore = (asOf: string, days: number): string => new Date(Date.parse(asOf) - days * 86_400_000).toISOString().slice(0, 10);

/** `counts` with `change` added, day by day. */
export const addCountsByDay = (counts: Readonly<Record<string, number>>, change: Readonly<Record<string, number>>): Record<string, number> => {
  const sum = { ...counts };
  for (const [day, value] of Object.entries(change)) sum[day] = (sum[day] ?? 0) + value;
  return sum;
};

/** The days of `counts` from `firstDay` on (the window's), and their sum. */
export const countsInWindow = (counts: Readonly<Record<string, number>>, firstDay: string): { byDay: Record<string, number>; total: number } => {
  const byDay = Object.fromEntries(Object.entries(counts).filter(([day, value]) => day >= firstDay && value !== 0));
  return {
    byDay,
    total: Math.max(
      0,
      Object.values(byDay).reduce((sum, value) => sum + value, 0),
    ),
  };
};

/** The day (YYYY-MM-DD) a version was made on. */
export const dayOfVersion = (version: string): string => `${version.slice(0, 4)}-${version.slice(4, 6)}-${version.slice(6, 8)}`;
