/**
 * What changed in a map item's scored topics, found together: the accounts whose score changed
 * (for the run's finish, and today's history points), the explanations that changed or went, and
 * each topic's boards. One set of statements reads every topic's files, each row tagged with its
 * topic's number, where a statement per topic cost more than the rows it read for a small topic.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { parseAccountKey } from '../../domain/interactions/schema';
import { MAX_BOARD_ENTRIES } from '../../domain/leaderboards/board';
import { PARQUET_ZSTD, sqlFiles, sqlString, streamedRows, withDuckDb } from '../../adapters/duckdb/duckdb';
import type { ObjectStore } from '../../adapters/object-store/object-store';
import { inParallel } from '../../adapters/in-parallel';
import { encodeAudienceSketch, type StoredAudience } from '../../domain/search/audience';
import { readHandlesOfRun } from '../aggregation/handles';
import type { StoredExplanation } from '../../adapters/dynamodb/accounts-store';
import type { BoardChunkRef, RankCounts } from '../../adapters/dynamodb/boards-store';
import { boards } from '../../adapters/dynamodb/keys';
import type { FlipGuard } from '../../domain/recompute-run';
import { decodeExplanationBody, type ExplanationBody } from './explanation-body';
import type { PendingAccountWrites } from './pending-account-writes';
import { numberIn, type ExplanationsAtHand } from './topic-files';
import { explanationFilesOf, OBJECT_CALLS_IN_FLIGHT, topicChangesKey, type RunPlan, type TopicHead } from './run-state';
import type { TopicResult, TopicTask } from './units';
import type { BoardRequest, PublishedBoard } from './publish-board';

/** A head before publishing, which counts its scored accounts. */
export type UnpublishedHead = Omit<TopicHead, 'scoredAccounts'>;

/** What a topic's work needs of its map item. */
export type RunOfTask = Pick<TopicTask, 'runId' | 'asOf' | 'mode'>;

/** A topic of the item scored, its new head written, its changes still to find. */
export interface ScoredTopic {
  topic: string;
  key: string;
  head: UnpublishedHead;
  guard: FlipGuard;
  /** An earlier attempt of this run may have published part of what it found: everything is written again. */
  rewriteAll: boolean;
  /** Its scored authors' explanations, still at hand: read from here rather than decoded from the file that holds them. */
  atHand?: ExplanationsAtHand | undefined;
}

/** A topic's boards to publish (its own, and one per network when it spans several), and what completes them once published. */
export interface TopicBoards {
  requests: BoardRequest[];
  complete(published: readonly PublishedBoard[]): BoardsDone;
}

/** A topic whose boards flipped, and what is left to do for it: boards of networks it left, chunks nothing reads, its rank index. */
export interface BoardsDone {
  result: TopicResult;
  goneBoards: string[];
  unreferenced: { board: string; refs: BoardChunkRef[] }[];
  /** null: the topic has nobody scored, and its rank index goes. */
  rankCounts: RankCounts | null;
}

/** Changed explanations written at a time: what a topic of a million accounts holds of them in memory. */
const EXPLANATION_PAGE = 5_000;

/** What a file is to a topic: its new or previous scores, its oldest daily scores, a layer of its new or previous explanations. */
type FileRole = 'new_scores' | 'old_scores' | 'snapshot' | 'new_explanations' | 'old_explanations';

interface TopicFile {
  file: string;
  number: number;
  role: FileRole;
  /** Explanation files are layers, oldest first: an account's latest row wins. */
  layer: number;
}

/**
 * Finds what changed between each topic's last head and its new one, and hands the writes of it
 * to `writes`: explanations of accounts whose explanation changed (deleted where they are no
 * longer scored) and today's history point where the score changed; stores each topic's account
 * changes for the run's finish. Answers each topic's boards and rank index, in `topics`' order,
 * to publish once `writes` are written.
 */
export const findChangesOfTopics = async (
  db: DuckDBConnection,
  task: RunOfTask,
  plan: RunPlan,
  topics: readonly ScoredTopic[],
  work: string,
  objects: ObjectStore,
  writes: PendingAccountWrites,
): Promise<TopicBoards[]> => {
  const files: TopicFile[] = [];
  // An incremental run that added a file of the explanations of the accounts it rescored: only theirs can have changed.
  const addedOnly: number[] = [];
  // Topics whose new explanations are all at hand: the one file read of them holds no others.
  const atHand: (ExplanationsAtHand | undefined)[] = [];
  const add = (paths: readonly string[], number: number, role: FileRole) => {
    for (const [layer, file] of paths.entries()) files.push({ file, number, role, layer });
  };
  for (const [number, { key, head, rewriteAll, atHand: scoredAtHand }] of topics.entries()) {
    const previous = plan.manifest.topics[key]?.head ?? null;
    add(await objects.localPaths([head.scores]), number, 'new_scores');
    if (previous) add(await objects.localPaths([previous.scores]), number, 'old_scores');
    const newKeys = explanationFilesOf(head);
    const oldExplanations = previous ? await objects.localPaths(explanationFilesOf(previous)) : [];
    const added = !rewriteAll && head.explanations !== undefined && newKeys.length === oldExplanations.length + 1;
    if (added) addedOnly.push(number);
    const readKeys = added ? newKeys.slice(-1) : newKeys;
    atHand.push(readKeys.length === 1 && readKeys[0] === scoredAtHand?.objectKey ? scoredAtHand : undefined);
    add(await objects.localPaths(readKeys), number, 'new_explanations');
    add(oldExplanations, number, 'old_explanations');
    // Beside each board entry, for campaign search: its score in the oldest daily snapshot (0: not scored then).
    const snapshotDay = Object.keys(head.daily ?? {}).sort()[0];
    if (snapshotDay) add(await objects.localPaths([head.daily![snapshotDay]!]), number, 'snapshot');
  }
  await db.run(`CREATE OR REPLACE TEMP TABLE item_change_files (filename VARCHAR, number INTEGER, role VARCHAR, layer INTEGER)`);
  const appender = await db.createAppender('item_change_files');
  for (const { file, number, role, layer } of files) {
    appender.appendVarchar(file);
    appender.appendInteger(number);
    appender.appendVarchar(role);
    appender.appendInteger(layer);
    appender.endRow();
  }
  appender.closeSync();
  /** The rows of the files of `role`, each with its topic's number and its file's layer. */
  const rowsOf = (role: FileRole, columns: readonly string[], types: readonly string[]): string => {
    const paths = [...new Set(files.filter((file) => file.role === role).map((file) => file.file))];
    if (paths.length === 0)
      return `(SELECT NULL::INTEGER AS number, NULL::INTEGER AS layer, ${columns.map((column, i) => `NULL::${types[i]} AS ${column}`).join(', ')} WHERE false)`;
    return `(SELECT f.number, f.layer, ${columns.map((column) => `r.${column}`).join(', ')}
      FROM read_parquet(${sqlFiles(paths)}, union_by_name = true, filename = true) r JOIN item_change_files f ON f.filename = r.filename AND f.role = '${role}')`;
  };
  const layered = (role: FileRole) => files.some((file) => file.role === role && file.layer > 0);
  const rewritten = topics.flatMap((topic, number) => (topic.rewriteAll ? [number] : []));

  // Accounts whose score in a topic changed, appeared or went (the overall pseudo-topic lists unscored accounts at 1).
  await db.run(`CREATE OR REPLACE TEMP TABLE item_changes AS
    SELECT number, coalesce(n.account, o.account) AS account, n.score AS score, coalesce(n.scored, false) AS scored
    FROM ${rowsOf('new_scores', ['account', 'score', 'scored'], ['VARCHAR', 'DOUBLE', 'BOOLEAN'])} n
      FULL OUTER JOIN ${rowsOf('old_scores', ['account', 'score', 'scored'], ['VARCHAR', 'DOUBLE', 'BOOLEAN'])} o USING (number, account)
    WHERE n.account IS NULL OR o.account IS NULL OR n.score <> o.score OR n.scored <> o.scored OR ${numberIn('number', rewritten)}`);
  await writeChangeFiles(db, task, topics, work, objects);
  const changedRows = new Map(
    (await db.runAndReadAll(`SELECT number, count(*) FROM item_changes GROUP BY number`)).getRows().map(([number, count]) => [Number(number), Number(count)]),
  );
  // Streamed: in a full pass the overall topic has a point for each of a million accounts.
  for await (const chunk of streamedRows(db, `SELECT number, account, score FROM item_changes WHERE scored`)) {
    for (const [number, rows] of byTopic(chunk)) {
      const { topic } = topics[number]!;
      await writes.add(topic, {
        history: rows.map(([, account, score]) => {
          const { network, id } = parseAccountKey(String(account));
          return { network, id, topic, score: Number(score) };
        }),
      });
    }
  }
  await db.run(`DROP TABLE item_changes`);

  // Which explanations changed, from the fingerprints alone; then the bodies of those, a page at a
  // time. Joined with their bodies, a million accounts' explanations would have to fit in DuckDB's
  // memory at once; read whole into JavaScript, they made the overall topic's peak (docs/SCALING.md).
  const fingerprintColumns = [
    ['account', 'fingerprint'],
    ['VARCHAR', 'VARCHAR'],
  ] as const;
  // Each account's row in the latest layer that has one: only layered topics need the grouping.
  const fingerprints = (role: FileRole, where = 'true') =>
    layered(role)
      ? `(SELECT r.number, r.account, arg_max_null(r.fingerprint, r.layer) AS fingerprint FROM ${rowsOf(role, ...fingerprintColumns)} r WHERE ${where} GROUP BY r.number, r.account)`
      : `(SELECT r.number, r.account, r.fingerprint FROM ${rowsOf(role, ...fingerprintColumns)} r WHERE ${where})`;
  await db.run(`CREATE OR REPLACE TEMP TABLE item_explanation_changes AS
    WITH n AS ${fingerprints('new_explanations')},
    o AS ${fingerprints(
      'old_explanations',
      addedOnly.length === 0
        ? 'true'
        : `NOT ${numberIn('r.number', addedOnly)} OR EXISTS (SELECT 1 FROM n WHERE n.number = r.number AND n.account = r.account)`,
    )}
    SELECT number, coalesce(n.account, o.account) AS account, n.account IS NOT NULL AS present
    FROM (SELECT * FROM n WHERE fingerprint IS NOT NULL) n FULL OUTER JOIN (SELECT * FROM o WHERE fingerprint IS NOT NULL) o USING (number, account)
    WHERE n.account IS NULL OR o.account IS NULL OR n.fingerprint <> o.fingerprint OR ${numberIn('number', rewritten)}`);

  // Each topic's board ranked in DuckDB: its rank counts and networks, then the rows its boards
  // show (the first MAX_BOARD_ENTRIES of the topic, and of each network of a topic on several); the
  // other rows of a topic of a million accounts never reach JavaScript.
  const boardsOf = topics.map((): TopicBoardRows => ({ count: 0, rankCounts: [], entries: new Map(), networks: new Map() }));
  const newScores = rowsOf('new_scores', ['account', 'score', 'log_score', 'scored', 'flags'], ['VARCHAR', 'DOUBLE', 'DOUBLE', 'BOOLEAN', 'UTINYINT']);
  const networksOf = topics.map(() => new Set<string>());
  for (const [number, tenths, accounts, networks] of (
    await db.runAndReadAll(`SELECT number, round(score * 10)::BIGINT AS tenths, count(*)::INTEGER, list(DISTINCT split_part(account, ':', 1))
      FROM ${newScores} WHERE scored GROUP BY ALL ORDER BY number, tenths DESC`)
  ).getRows()) {
    const topic = boardsOf[Number(number)]!;
    topic.rankCounts.push([Number(tenths), Number(accounts)]);
    topic.count += Number(accounts);
    for (const network of (networks as { items: unknown[] }).items) networksOf[Number(number)]!.add(String(network));
  }
  const severalNetworks = networksOf.flatMap((networks, number) => (networks.size > 1 ? [number] : []));
  const order = 'ORDER BY score DESC, log_score DESC, account';
  const position = `(row_number() OVER (PARTITION BY number ${order}) - 1)::INTEGER`;
  const shown = (
    await db.runAndReadAll(`WITH shown AS (
        SELECT number, account, score, flags, ${position} AS position FROM ${newScores} WHERE scored QUALIFY position < ${MAX_BOARD_ENTRIES}
        UNION ALL
        SELECT number, account, score, flags, position FROM (
          SELECT number, account, score, flags, ${position} AS position,
            row_number() OVER (PARTITION BY number, split_part(account, ':', 1) ${order}) AS in_network
          FROM ${newScores} WHERE scored AND ${numberIn('number', severalNetworks)}
        ) WHERE position >= ${MAX_BOARD_ENTRIES} AND in_network <= ${MAX_BOARD_ENTRIES}
      )
      SELECT r.number, r.position, r.account, r.score, round(r.score * 10)::BIGINT AS tenths, r.flags, coalesce(CASE WHEN s.scored THEN s.score END, 0) AS before
      FROM shown r LEFT JOIN ${rowsOf('snapshot', ['account', 'score', 'scored'], ['VARCHAR', 'DOUBLE', 'BOOLEAN'])} s ON s.number = r.number AND s.account = r.account
      ORDER BY r.number, r.position`)
  ).getRows();
  // Competition ranks (1, 2, 2, 4): one more than the accounts of a higher score, in tenths.
  const ranksOf = boardsOf.map(({ rankCounts }) => {
    const ranks = new Map<number, number>();
    let above = 0;
    for (const [tenths, accounts] of rankCounts) {
      ranks.set(tenths, above + 1);
      above += accounts;
    }
    return ranks;
  });
  for (const [number, position, account, score, tenths, flags, before] of shown) {
    const topic = boardsOf[Number(number)]!;
    const { network, id } = parseAccountKey(String(account));
    topic.entries.set(Number(position), {
      rank: ranksOf[Number(number)]!.get(Number(tenths))!,
      network,
      id,
      account: String(account),
      score: Number(score),
      flags: Number(flags),
      before: Number(before),
    });
    const list = topic.networks.get(network) ?? [];
    if (list.length < MAX_BOARD_ENTRIES) list.push(Number(position));
    topic.networks.set(network, list);
  }
  const onBoards = [...new Set(boardsOf.flatMap((topic) => [...topic.entries.values()].map((entry) => entry.account)))];

  const handleFiles = await objects.localPaths([...plan.manifest.handles, ...plan.added.handles]);
  // The first page's handles are looked up with the boards' (a small item's only lookup).
  let boardHandles: Map<string, string> | undefined;
  const writePage = async (page: ChangedExplanation[]) => {
    // An explanation names its top engagers' handles, not its own account's.
    const wanted: string[] = [];
    for (const { body } of page) for (const engager of body.topEngagers) wanted.push(engager.account);
    // On a connection of its own: the page's rows come from a result still streaming on `db`.
    const handles = await withDuckDb((lookup) => readHandlesOfRun(lookup, handleFiles, boardHandles ? wanted : [...wanted, ...onBoards]));
    boardHandles ??= handles;
    for (const [number, changed] of byTopic(page.map((item) => [item.number, item] as const))) {
      const { topic } = topics[number]!;
      // Fields named one by one rather than spread: a full pass builds millions of these.
      await writes.add(topic, {
        explanations: changed.map(([, { account, body, audience }]): StoredExplanation => {
          const { network, id } = parseAccountKey(account);
          const explanation: StoredExplanation = {
            network,
            id,
            topic,
            score: body.score,
            factors: body.factors,
            topEngagers: body.topEngagers.map((engager) => {
              const key = parseAccountKey(engager.account);
              return {
                network: key.network,
                id: key.id,
                handle: handles.get(engager.account) ?? null,
                interactions: engager.interactions,
                weight: engager.weight,
              };
            }),
            topContent: body.topContent,
            audience,
            computedAt: task.asOf,
          };
          if (body.flags) explanation.flags = body.flags;
          return explanation;
        }),
      });
    }
  };
  const bodyColumns = [
    ['account', 'body', 'engagers', 'sketch', 'fingerprint'],
    ['VARCHAR', 'VARCHAR', 'BIGINT', 'UINTEGER[]', 'VARCHAR'],
  ] as const;
  // Semi joins: the changed accounts (and each one's latest layer) are what is held, while the bodies stream past.
  const latestLayer = layered('new_explanations')
    ? `SEMI JOIN (SELECT number, account, max(layer) AS layer FROM ${rowsOf('new_explanations', ['account'], ['VARCHAR'])} GROUP BY ALL) l
         ON l.number = r.number AND l.account = r.account AND l.layer = r.layer`
    : '';
  const numbersAtHand = atHand.flatMap((hand, number) => (hand ? [number] : []));
  const bodyAtHand = (hand: ExplanationsAtHand, account: string): ExplanationBody => {
    const body = hand.body(account);
    if (!body) throw new Error(`the explanation of ${account} in ${hand.objectKey} is not at hand`);
    return body;
  };
  let page: ChangedExplanation[] = [];
  for await (const chunk of streamedRows(
    db,
    `SELECT r.number, r.account, ${numbersAtHand.length > 0 ? `CASE WHEN ${numberIn('r.number', numbersAtHand)} THEN NULL ELSE r.body END` : 'r.body'} AS body,
       r.engagers, list_sort(r.sketch) AS sketch FROM ${rowsOf('new_explanations', ...bodyColumns)} r
       SEMI JOIN (SELECT number, account FROM item_explanation_changes WHERE present) c ON c.number = r.number AND c.account = r.account
       ${latestLayer}
     WHERE r.fingerprint IS NOT NULL`,
  )) {
    for (const [number, account, body, engagers, sketch] of chunk) {
      const hand = atHand[Number(number)];
      page.push({
        number: Number(number),
        account: String(account),
        body: hand ? bodyAtHand(hand, String(account)) : decodeExplanationBody(String(body)),
        audience: encodeAudienceSketch({ engagers: Number(engagers ?? 0), sketch: sketch === null ? [] : (sketch as { items: number[] }).items }),
      });
    }
    if (page.length >= EXPLANATION_PAGE) {
      await writePage(page);
      page = [];
    }
  }
  if (page.length > 0) await writePage(page);
  const gone = (await db.runAndReadAll(`SELECT number, account FROM item_explanation_changes WHERE NOT present`)).getRows();
  for (const [number, rows] of byTopic(gone)) {
    const { topic } = topics[number]!;
    await writes.add(topic, { gone: rows.map(([, account]) => ({ ...parseAccountKey(String(account)), topic })) });
  }
  await db.run(`DROP TABLE item_explanation_changes`);
  await db.run(`DROP TABLE item_change_files`);
  const handles = boardHandles ?? (await readHandlesOfRun(db, handleFiles, onBoards));
  return topics.map(({ topic, guard }, number) => {
    const { count, rankCounts, entries, networks } = boardsOf[number]!;
    const entryOf = (position: number) => {
      const { rank, network, id, account, score, flags, before } = entries.get(position)!;
      return { rank, network, id, handle: handles.get(account) ?? null, score, ...(flags !== 0 ? { flags } : {}), before };
    };
    return topicBoards({ topic, count, networks, rankCounts, entryOf, changed: changedRows.get(number) ?? 0 }, task, plan, guard);
  });
};

/** A changed explanation read back from its topic's file, with its audience. */
interface ChangedExplanation {
  number: number;
  account: string;
  body: ExplanationBody;
  audience: StoredAudience;
}

/** Rows whose first column is a topic's number, in runs of one topic each, as [number, rows]. */
const byTopic = <Row extends readonly unknown[]>(rows: readonly Row[]): [number, Row[]][] => {
  const runs: [number, Row[]][] = [];
  for (const row of rows) {
    const number = Number(row[0]);
    const last = runs.at(-1);
    if (last && last[0] === number) last[1].push(row);
    else runs.push([number, [row]]);
  }
  return runs;
};

/**
 * Each topic's account changes, a file for the run's finish under topicChangesKey: written for all
 * topics at once, partitioned by number, and alone for a topic the partitioned write left without
 * exactly one file (one that changed nothing has none; the finish reads every topic's).
 */
const writeChangeFiles = async (db: DuckDBConnection, task: RunOfTask, topics: readonly ScoredTopic[], work: string, objects: ObjectStore): Promise<void> => {
  const folder = join(work, 'changes');
  const files = new Map<number, string>();
  if (topics.length > 1) {
    await db.run(
      `COPY (SELECT number, account, score, scored FROM item_changes ORDER BY number, account) TO ${sqlString(folder)} (${PARQUET_ZSTD}, PARTITION_BY (number))`,
    );
    for (const part of await readdir(folder).catch(() => [] as string[])) {
      const number = Number(/^number=(\d+)$/.exec(part)?.[1]);
      const inside = await readdir(join(folder, part));
      if (Number.isInteger(number) && inside.length === 1) files.set(number, join(folder, part, inside[0]!));
    }
  }
  for (const number of topics.keys()) {
    if (files.has(number)) continue;
    const file = join(work, `changes-${number}.parquet`);
    await db.run(`COPY (SELECT account, score, scored FROM item_changes WHERE number = ${number} ORDER BY account) TO ${sqlString(file)} (${PARQUET_ZSTD})`);
    files.set(number, file);
  }
  await inParallel([...topics.entries()], OBJECT_CALLS_IN_FLIGHT, ([number, { key }]) => objects.putFile(topicChangesKey(task.runId, key), files.get(number)!));
};

/** What a topic's boards show, ranked in DuckDB: how many it scored, its rank counts, the entries its boards show by position, and its networks' positions. */
interface TopicBoardRows {
  count: number;
  rankCounts: RankCounts;
  entries: Map<number, { rank: number; network: string; id: string; account: string; score: number; flags: number; before: number }>;
  networks: Map<string, number[]>;
}

const topicBoards = (
  {
    topic,
    count,
    networks,
    rankCounts,
    entryOf,
    changed,
  }: {
    topic: string;
    count: number;
    networks: ReadonlyMap<string, number[]>;
    rankCounts: RankCounts;
    entryOf: (index: number) => Record<string, unknown>;
    changed: number;
  },
  task: RunOfTask,
  plan: RunPlan,
  guard: FlipGuard,
): TopicBoards => {
  const keepReplaced = plan.purging.length === 0;
  const pointer = { version: plan.version, computedAt: task.asOf };
  const networkNames = [...networks.keys()].sort();
  // A topic on one network needs no board of its own for it: the topic's board is that board (leaderboardOf).
  const ownBoards = networkNames.length > 1 ? networkNames : [];
  const requests: BoardRequest[] = [
    {
      board: boards.leaderboard(topic),
      entries: Array.from({ length: Math.min(count, MAX_BOARD_ENTRIES) }, (_, i) => entryOf(i)),
      pointer: { ...pointer, networks: networkNames },
      guard,
      keepReplaced,
    },
    ...ownBoards.map((network) => ({ board: boards.leaderboard(topic, network), entries: networks.get(network)!.map(entryOf), pointer, guard, keepReplaced })),
  ];
  return {
    requests,
    complete: (published) => {
      const main = published[0]!;
      return {
        result: { topic, scoredAccounts: count, changedAccounts: changed, boardChanged: main.changed },
        // A network nobody of the topic is on any more keeps no board of its own.
        goneBoards:
          main.replacedNetworks.length > 1
            ? main.replacedNetworks.filter((name) => !ownBoards.includes(name)).map((network) => boards.leaderboard(topic, network))
            : [],
        unreferenced: requests.map((request, i) => ({ board: request.board, refs: published[i]!.unreferenced })),
        rankCounts: count > 0 ? rankCounts : null,
      };
    },
  };
};
