/**
 * The files a scored topic writes: its scores, its explanation drafts (each with its audience and
 * a fingerprint, to tell which changed), and the window a full pass merged with the item's other
 * topics. The topics of a map item read together write them together: each topic's rows go to the
 * item's table as it is scored, tagged with its number, and one statement a kind writes every
 * topic's file, partitioned by number — for a small topic a statement cost more than its rows.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { PARQUET_ZSTD, sqlFiles, sqlString } from '../../adapters/duckdb/duckdb';
import type { ObjectStore } from '../../adapters/object-store/object-store';
import { inParallel } from '../../adapters/in-parallel';
import type { AuthorScore } from '../../domain/scoring/author-scores';
import type { TopContent } from '../aggregation/topic-window';
import { encodeExplanationBody, explanationBodyOf, type ExplanationBody } from './explanation-body';
import { OBJECT_CALLS_IN_FLIGHT } from './run-state';

/**
 * The scored authors of a pass, read one at a time: a full pass builds each explained entry only
 * when it is written, so a topic of millions of edges never holds them all.
 */
export interface ScoredAuthors {
  count: number;
  account(position: number): string;
  score(position: number): number;
  logScore(position: number): number;
  flags(position: number): number;
  entry(position: number): AuthorScore;
  /** The position of `account`; -1 when it is not scored. */
  positionOf(account: string): number;
  /** Every position, in the name order of their accounts (a list's: its own order). */
  positionsByName(): Uint32Array;
}

/** Authors scored as a list (an incremental run's rescored ones). */
export const listedAuthors = (list: readonly AuthorScore[]): ScoredAuthors => {
  let positions: Map<string, number> | undefined;
  return {
    count: list.length,
    account: (position) => list[position]!.account,
    score: (position) => list[position]!.score,
    logScore: (position) => list[position]!.logScore,
    flags: (position) => list[position]!.flags,
    entry: (position) => list[position]!,
    positionOf: (account) => {
      positions ??= new Map(list.map((entry, position) => [entry.account, position]));
      return positions.get(account) ?? -1;
    },
    positionsByName: () => Uint32Array.from(list.keys()),
  };
};

/** The explanations of a topic's scored authors, still at hand once written: the file `objectKey` holds theirs and no others. */
export interface ExplanationsAtHand {
  objectKey: string;
  /** The body the file holds for `account`; undefined for an account not scored. */
  body(account: string): ExplanationBody | undefined;
}

export const explanationsAtHand = (objectKey: string, scored: ScoredAuthors, topContent: TopContent): ExplanationsAtHand => ({
  objectKey,
  body: (account) => {
    const position = scored.positionOf(account);
    return position < 0 ? undefined : explanationBodyOf(scored.entry(position), topContent.get(account) ?? []);
  },
});

/** What a scored topic writes, besides the rows it hands over. */
export interface TopicFiles {
  key: string;
  scores: {
    objectKey: string;
    /** An incremental run's: the previous scores (a local file), and a query of the accounts it rescored, whose scores it replaces. */
    previous: { file: string; rescored: string } | null;
  };
  explanations: {
    objectKey: string;
    /** A relation of `(account, engagers, sketch)`: the scored authors' audiences. */
    audiences: string;
    /** An incremental run's: the earlier explanation files, and a query of the accounts it rescored; merged with them, or a file beside them. */
    previous: { files: readonly string[]; rescored: string; merge: boolean } | null;
  };
  /** A window merged with the item's other topics: the table that holds it, under the topic's key. */
  window: { objectKey: string; table: string } | null;
}

/**
 * The files of topics scored and not yet written. A table of their rows lives on the connection
 * until write; a writer is used once. A map item's (`item`) and a topic's written alone (`topic`)
 * can be pending at once: their tables are named apart.
 */
export class PendingTopicFiles {
  private readonly topics: TopicFiles[] = [];
  /** Each topic's rows, by number: every account it lists, and a scored one's explanation as it would be written (`body`). */
  private readonly table: string;

  private constructor(
    private readonly db: DuckDBConnection,
    private readonly work: string,
    of: 'item' | 'topic',
  ) {
    this.table = `${of}_scored_rows`;
  }

  static async open(db: DuckDBConnection, work: string, of: 'item' | 'topic'): Promise<PendingTopicFiles> {
    const pending = new PendingTopicFiles(db, work, of);
    await db.run(
      `CREATE OR REPLACE TEMP TABLE ${pending.table} (number INTEGER, account VARCHAR, score DOUBLE, log_score DOUBLE, scored BOOLEAN, flags UTINYINT, body VARCHAR)`,
    );
    return pending;
  }

  /** The rows of the topics' new scores. */
  private get scores(): string {
    return `(SELECT * EXCLUDE (body) FROM ${this.table})`;
  }

  /** The scored authors' explanations as they would be written. */
  private get drafts(): string {
    return `(SELECT number, account, body FROM ${this.table} WHERE scored)`;
  }

  /**
   * Hands over a scored topic's rows: its scores (the overall pseudo-topic also lists the accounts
   * it saw and did not score, `seenUnscored`, at 1) and each scored author's explanation as it would be written.
   */
  async add(files: TopicFiles, scored: ScoredAuthors, seenUnscored: readonly string[], topContent: TopContent): Promise<void> {
    const number = this.topics.length;
    const rows = await this.db.createAppender(this.table);
    // In name order rather than by rank: an author's columns are then read in the order they are stored.
    for (const position of scored.positionsByName()) {
      const entry = scored.entry(position);
      rows.appendInteger(number);
      rows.appendVarchar(entry.account);
      rows.appendDouble(scored.score(position));
      rows.appendDouble(scored.logScore(position));
      rows.appendBoolean(true);
      rows.appendUTinyInt(scored.flags(position));
      rows.appendVarchar(encodeExplanationBody(entry, topContent.get(entry.account) ?? []));
      rows.endRow();
    }
    for (const account of seenUnscored) {
      rows.appendInteger(number);
      rows.appendVarchar(account);
      rows.appendDouble(1);
      rows.appendDouble(0);
      rows.appendBoolean(false);
      rows.appendUTinyInt(0);
      rows.appendNull();
      rows.endRow();
    }
    rows.closeSync();
    this.topics.push(files);
  }

  /**
   * Writes every pending topic's files and publishes them. When writing them together fails, each
   * topic's are written alone; answers why a topic's failed, by key.
   */
  async write(objects: ObjectStore): Promise<Map<string, unknown>> {
    const failures = new Map<string, unknown>();
    const all = this.topics.map((_, number) => number);
    try {
      if (all.length > 0) await this.writeFiles(all, objects);
    } catch (error) {
      if (all.length === 1) failures.set(this.topics[0]!.key, error);
      else for (const number of all) await this.writeFiles([number], objects).catch((alone: unknown) => failures.set(this.topics[number]!.key, alone));
    }
    await this.db.run(`DROP TABLE IF EXISTS ${this.table}`);
    return failures;
  }

  private async writeFiles(numbers: readonly number[], objects: ObjectStore): Promise<void> {
    const folder = join(this.work, `files-${numbers.length === 1 ? numbers[0] : 'all'}`);
    await mkdir(folder, { recursive: true });
    const windows = numbers.filter((number) => this.topics[number]!.window);
    const kinds = [
      { name: 'scores', numbers, query: this.scoresQuery(numbers), order: 'account' },
      { name: 'explanations', numbers, query: this.draftsQuery(numbers), order: null },
      { name: 'window', numbers: windows, query: this.windowsQuery(windows), order: null },
    ] as const;
    for (const kind of kinds) {
      if (kind.numbers.length === 0) continue;
      const files = await copyByNumber(this.db, kind.query, kind.numbers, kind.order, join(folder, kind.name));
      await inParallel(kind.numbers, OBJECT_CALLS_IN_FLIGHT, (number) => {
        const topic = this.topics[number]!;
        const objectKey =
          kind.name === 'scores' ? topic.scores.objectKey : kind.name === 'explanations' ? topic.explanations.objectKey : topic.window!.objectKey;
        return objects.putFile(objectKey, files.get(number)!);
      });
    }
  }

  /**
   * The new scores of these topics: a full pass's as scored; an incremental run's, the previous
   * scores with the rescored authors' replaced — an author that earns no response any more leaves
   * them (in the overall pseudo-topic it stays, at 1); everyone else keeps theirs.
   */
  private scoresQuery(numbers: readonly number[]): string {
    const full = numbers.filter((number) => !this.topics[number]!.scores.previous);
    const rescoring = numbers.filter((number) => this.topics[number]!.scores.previous);
    const parts: string[] = [];
    if (full.length > 0) parts.push(`SELECT * FROM ${this.scores} WHERE ${numberIn('number', full)}`);
    if (rescoring.length > 0) {
      const previous = numbered(rescoring.map((number) => [number, `SELECT * FROM read_parquet(${sqlString(this.topics[number]!.scores.previous!.file)})`]));
      const touched = numbered(rescoring.map((number) => [number, this.topics[number]!.scores.previous!.rescored]));
      // An account only seen (listed at 1) keeps the score it had: it is in the rows read because it
      // engaged with or was engaged by a rescored author, not because anything of its own changed.
      parts.push(`SELECT * FROM (
        WITH rescored AS (SELECT * FROM ${this.scores} WHERE scored AND ${numberIn('number', rescoring)}),
        kept AS (
          SELECT p.* FROM ${previous} p
            ANTI JOIN rescored r ON r.number = p.number AND r.account = p.account
            LEFT JOIN (SELECT number, account, true AS hit FROM ${touched}) t ON t.number = p.number AND t.account = p.account
          WHERE NOT p.scored OR t.hit IS NULL
        ),
        first_seen AS (
          SELECT n.* FROM ${this.scores} n ANTI JOIN kept k ON k.number = n.number AND k.account = n.account
          WHERE ${numberIn('number', rescoring)} AND NOT n.scored
        )
        -- By name: scores written before flags have none.
        SELECT number, account, score, log_score, scored, coalesce(flags, 0)::UTINYINT AS flags
        FROM (SELECT * FROM rescored UNION ALL BY NAME SELECT * FROM kept UNION ALL BY NAME SELECT * FROM first_seen))`);
    }
    return parts.join(' UNION ALL BY NAME ');
  }

  /**
   * Each scored author's explanation with its audience, which its fingerprint covers too; an
   * incremental run keeps the previous ones of the accounts it did not rescore (merged), or writes
   * a row without a body for each rescored account no longer scored (beside the earlier files).
   */
  private draftsQuery(numbers: readonly number[]): string {
    const audiences = numbered(numbers.map((number) => [number, `SELECT account, engagers, sketch FROM ${this.topics[number]!.explanations.audiences}`]));
    // The audiences are joined here, not built in JavaScript, where a million accounts' sketches
    // would not fit; the fingerprint is DuckDB's too, over the column, rather than a hash of each body in JavaScript.
    const parts = [
      `SELECT d.number, d.account, d.body, coalesce(a.engagers, 0)::BIGINT AS engagers, a.sketch,
        md5(concat_ws('|', d.body, coalesce(a.engagers, 0), coalesce(a.sketch::VARCHAR, ''))) AS fingerprint
      FROM ${this.drafts} d LEFT JOIN ${audiences} a ON a.number = d.number AND a.account = d.account
      WHERE ${numberIn('d.number', numbers)}`,
    ];
    for (const number of numbers) {
      const previous = this.topics[number]!.explanations.previous;
      if (!previous) continue;
      const drafted = `SELECT account FROM ${this.drafts} WHERE number = ${number}`;
      parts.push(
        previous.merge
          ? `SELECT ${number} AS number, * FROM ${explanationRows(previous.files, `account NOT IN (${drafted}) AND account NOT IN (${previous.rescored})`)}`
          : `SELECT ${number} AS number, account FROM (${previous.rescored}) WHERE account NOT IN (${drafted})`,
      );
    }
    // In no particular order: readers join by account, and sorting a million bodies needs more memory than streaming them.
    return parts.join(' UNION ALL BY NAME ');
  }

  /** The windows merged with the item's other topics, from the tables that hold them (a topic's rows under its key). */
  private windowsQuery(numbers: readonly number[]): string {
    const byTable = new Map<string, number[]>();
    for (const number of numbers) {
      const { table } = this.topics[number]!.window!;
      byTable.set(table, [...(byTable.get(table) ?? []), number]);
    }
    return [...byTable]
      .map(
        ([table, list]) => `SELECT n.number, w.* EXCLUDE (topic) FROM ${table} w
          JOIN (VALUES ${list.map((number) => `(${sqlString(this.topics[number]!.key)}, ${number})`).join(', ')}) n(topic, number) ON n.topic = w.topic`,
      )
      .join(' UNION ALL ');
  }
}

/** A condition on topics' numbers: `column` is one of `numbers` (none: no row meets it). */
export const numberIn = (column: string, numbers: readonly number[]): string => (numbers.length > 0 ? `${column} IN (${numbers.join(', ')})` : 'false');

/** Relations of one topic each, numbered: `(number, …)` of them all. */
const numbered = (relations: readonly (readonly [number, string])[]): string =>
  `(${relations.map(([number, relation]) => `SELECT ${number} AS number, * FROM (${relation})`).join(' UNION ALL BY NAME ')})`;

/**
 * Writes the rows `query` answers (with a `number` column) to a file per number, and answers them:
 * all at once, partitioned by number, and alone for a number the partitioned write left without
 * exactly one file (one without rows has none).
 */
const copyByNumber = async (
  db: DuckDBConnection,
  query: string,
  numbers: readonly number[],
  order: string | null,
  folder: string,
): Promise<Map<number, string>> => {
  const files = new Map<number, string>();
  if (numbers.length > 1) {
    await db.run(
      `COPY (SELECT * FROM (${query}) ${order ? `ORDER BY number, ${order}` : ''}) TO ${sqlString(folder)} (${PARQUET_ZSTD}, PARTITION_BY (number))`,
    );
    for (const part of await readdir(folder).catch(() => [] as string[])) {
      const number = Number(/^number=(\d+)$/.exec(part)?.[1]);
      const inside = await readdir(join(folder, part));
      if (Number.isInteger(number) && inside.length === 1) files.set(number, join(folder, part, inside[0]!));
    }
  }
  for (const number of numbers) {
    if (files.has(number)) continue;
    const file = `${folder}-${number}.parquet`;
    await db.run(
      `COPY (SELECT * EXCLUDE (number) FROM (${query}) WHERE number = ${number} ${order ? `ORDER BY ${order}` : ''}) TO ${sqlString(file)} (${PARQUET_ZSTD})`,
    );
    files.set(number, file);
  }
  return files;
};

/**
 * SQL of the explanations in these files (oldest first) of the accounts `where` keeps: each
 * account's row in the latest file that has one, unless that row has no body (no longer scored).
 */
const explanationRows = (files: readonly string[], where = 'true'): string => {
  if (files.length === 0)
    return `(SELECT NULL::VARCHAR AS account, NULL::VARCHAR AS body, NULL::BIGINT AS engagers, NULL::UINTEGER[] AS sketch, NULL::VARCHAR AS fingerprint WHERE false)`;
  // A row without a body has no fingerprint either: the test reads the short column.
  if (files.length === 1)
    return `(SELECT account, body, engagers, sketch, fingerprint FROM read_parquet(${sqlString(files[0]!)}) WHERE (${where}) AND fingerprint IS NOT NULL)`;
  // The latest file of each account found from the names alone, then joined: a window function
  // over the rows would hold a million accounts' bodies at once.
  const rows = `(SELECT *, list_position(${sqlFiles(files)}, filename) AS layer FROM read_parquet(${sqlFiles(files)}, union_by_name = true, filename = true) WHERE ${where})`;
  return `(SELECT account, body, engagers, sketch, fingerprint
      FROM ${rows} JOIN (SELECT account, max(layer) AS layer FROM ${rows} GROUP BY account) USING (account, layer)
      WHERE fingerprint IS NOT NULL)`;
};
