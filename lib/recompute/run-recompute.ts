import { randomUUID } from 'node:crypto';
import type { Run } from '../api/schemas';
import { parseAccountKey } from '../interactions/schema';
import { MAX_BOARD_ENTRIES, type BoardPointer } from '../leaderboards/board';
import type { ContentAggregate, EngagementAggregate, PostAggregate } from '../scoring/engagement';
import { AccountIndex } from '../scoring/account-index';
import { scoreTopic, type AccountTopicScore } from '../scoring/topic-scores';
import type { BoardEntryInput, StoredAccountScore, StoredExplanation } from '../store/sway-store';
import { OVERALL_TOPIC, boards } from '../store/keys';
import { HandleSightings } from '../interactions/handles';

export interface RecomputePorts {
  registeredTopics(): Promise<string[]>;
  engagementAggregates(topic: string): Promise<{ edges: EngagementAggregate[]; handles: HandleSightings }>;
  postAggregates(topic: string): Promise<{ posts: PostAggregate[]; handles: HandleSightings }>;
  contentAggregates(topic: string): Promise<ContentAggregate[]>;
  writeExplanations(explanations: StoredExplanation[]): Promise<void>;
  writeHistory(day: string, points: { network: string; id: string; topic: string; score: number }[]): Promise<void>;
  optedOutAccounts(): Promise<{ all: Set<string>; unpurged: Set<string> }>;
  deleteAggregatesInvolving(topic: string, accounts: Set<string>): Promise<void>;
  purgeAccount(network: string, id: string, purgedAt: string): Promise<void>;
  writeBoardEntries(board: string, version: string, entries: BoardEntryInput[]): Promise<void>;
  flipBoard(board: string, pointer: BoardPointer): Promise<string | null>;
  deleteBoardVersion(board: string, version: string): Promise<void>;
  writeAccountScores(accounts: StoredAccountScore[], runId: string): Promise<void>;
  putRun(run: Run): Promise<void>;
  finishRun(run: Run): Promise<void>;
  acquireRunLock(runId: string, leaseMs: number): Promise<boolean>;
  releaseRunLock(runId: string): Promise<void>;
}

/** A run as it starts: `running` from the moment it is requested. */
export const newRun = (trigger: Run['trigger'], runId: string = randomUUID()): Run => ({
  runId,
  status: 'running',
  trigger,
  startedAt: new Date().toISOString(),
  finishedAt: null,
  topics: 0,
  accounts: 0,
});

export class RunInProgressError extends Error {
  constructor() {
    super('another recompute holds the lock');
    this.name = 'RunInProgressError';
  }
}

/** Long enough for any step between two renewals; short enough that a crashed run frees the way soon. */
export const RUN_LEASE_MS = 120_000;
const MAX_TOPICS_PER_ACCOUNT = 50;

/**
 * Recomputes every topic's scores and boards from the stored aggregates. Each board is written as
 * a new version and its pointer flips only once the version is complete, so readers always see a
 * whole board, old or new; a run that dies leaves the previous boards served.
 */
export const runRecompute = async (run: Run, ports: RecomputePorts, now: () => Date = () => new Date()): Promise<Run> => {
  if (!(await ports.acquireRunLock(run.runId, RUN_LEASE_MS))) throw new RunInProgressError();
  await ports.putRun({ ...run, status: 'running' });
  try {
    const summary = await recomputeBoards(run, ports);
    const finished: Run = { ...run, status: 'succeeded', finishedAt: now().toISOString(), ...summary };
    await ports.finishRun(finished);
    return finished;
  } catch (error) {
    const failed: Run = {
      ...run,
      status: 'failed',
      finishedAt: now().toISOString(),
      error: error instanceof Error ? error.name : 'Error',
    };
    await ports.finishRun(failed);
    throw error;
  } finally {
    await ports.releaseRunLock(run.runId);
  }
};

const recomputeBoards = async (run: Run, ports: RecomputePorts): Promise<{ topics: number; accounts: number }> => {
  const asOf = new Date(run.startedAt);
  const version = `${run.startedAt.replace(/[^0-9]/g, '').slice(0, 14)}-${run.runId.slice(0, 8)}`;
  const pointer: BoardPointer = { version, count: 0, computedAt: run.startedAt };
  const staleVersions: [string, string][] = [];

  const publish = async (board: string, entries: BoardEntryInput[]) => {
    await ports.writeBoardEntries(board, version, entries);
    const stale = await ports.flipBoard(board, { ...pointer, count: entries.length });
    if (stale) staleVersions.push([board, stale]);
    // Renew the lease as the run makes progress.
    await ports.acquireRunLock(run.runId, RUN_LEASE_MS);
  };

  const accounts = new Map<string, StoredAccountScore>();
  const handles = new HandleSightings();
  const accountFor = (key: string): StoredAccountScore => {
    let account = accounts.get(key);
    if (!account) {
      const { network, id } = parseAccountKey(key);
      account = { network, id, handle: null, score: 1, topics: [], computedAt: run.startedAt };
      accounts.set(key, account);
    }
    return account;
  };

  const historyDay = run.startedAt.slice(0, 10);
  // Consent: opted-out accounts are left out of everything, including their contributions to others.
  const optedOut = await ports.optedOutAccounts();
  const present = (...accounts: string[]) => !accounts.some((account) => optedOut.all.has(account));
  const topicSizes: { topic: string; accounts: number }[] = [];
  const accountIndex = new AccountIndex();
  // A topic's results are written while the next topic is read and scored; one topic's writes at a time.
  let topicWrites: Promise<void> = Promise.resolve();
  for (const topic of [OVERALL_TOPIC, ...(await ports.registeredTopics())]) {
    const engagement = await ports.engagementAggregates(topic);
    const posting = await ports.postAggregates(topic);
    const edges = engagement.edges.filter((edge) => present(edge.author, edge.engager));
    const posts = posting.posts.filter((post) => present(post.author));
    if (optedOut.unpurged.size > 0) await ports.deleteAggregatesInvolving(topic, optedOut.unpurged);
    handles.merge(engagement.handles);
    handles.merge(posting.handles);
    const { ranked: scored } = scoreTopic(edges, posts, asOf, { accountIndex });

    if (topic === OVERALL_TOPIC) {
      // Everyone seen is an account with a score, even those nobody has responded to yet.
      for (const edge of edges) {
        accountFor(edge.author);
        accountFor(edge.engager);
      }
      for (const post of posts) accountFor(post.author);
      for (const { account, score } of scored) accountFor(account).score = score;
    } else {
      for (const { account, score, rank } of scored) accountFor(account).topics.push({ topic, score, rank });
      if (scored.length > 0) topicSizes.push({ topic, accounts: scored.length });
    }
    const content = (await ports.contentAggregates(topic)).filter((item) => present(item.author));
    const explanations = explanationsOf(topic, scored, content, handles, run.startedAt);
    // Each run overwrites the day's point: the history keeps the day's latest score.
    const historyPoints = scored.map(({ account, score }) => ({ ...parseAccountKey(account), topic, score }));
    const topicBoards: [string, BoardEntryInput[]][] = [
      [boards.leaderboard(topic), toEntries(scored, handles)],
      ...[...byNetwork(scored)].map(([network, networkScored]): [string, BoardEntryInput[]] => [
        boards.leaderboard(topic, network),
        toEntries(networkScored, handles),
      ]),
    ];
    await topicWrites;
    topicWrites = Promise.all([
      ports.writeExplanations(explanations),
      ports.writeHistory(historyDay, historyPoints),
      (async () => {
        for (const [board, entries] of topicBoards) await publish(board, entries);
      })(),
    ]).then(() => undefined);
    // Marked handled here so a failure while the next topic is scored is not an unhandled
    // rejection; it is thrown where it is awaited.
    topicWrites.catch(() => undefined);
  }
  await topicWrites;

  for (const account of optedOut.unpurged) {
    const { network, id } = parseAccountKey(account);
    await ports.purgeAccount(network, id, run.startedAt);
  }

  for (const [key, account] of accounts) {
    account.handle = handles.handleOf(key);
    account.topics.sort((a, b) => b.score - a.score || a.rank - b.rank || (a.topic < b.topic ? -1 : 1));
    account.topics = account.topics.slice(0, MAX_TOPICS_PER_ACCOUNT);
  }
  await ports.writeAccountScores([...accounts.values()], run.runId);

  topicSizes.sort((a, b) => b.accounts - a.accounts || (a.topic < b.topic ? -1 : 1));
  await publish(
    boards.topics,
    topicSizes.map((size, index) => ({ rank: index + 1, data: size })),
  );

  for (const [board, stale] of staleVersions) await ports.deleteBoardVersion(board, stale);
  return { topics: topicSizes.length, accounts: accounts.size };
};

/** Ranked accounts grouped by network, keeping each account's rank in the whole topic. */
const byNetwork = (scored: AccountTopicScore[]): Map<string, AccountTopicScore[]> => {
  const groups = new Map<string, AccountTopicScore[]>();
  for (const entry of scored) {
    const { network } = parseAccountKey(entry.account);
    const group = groups.get(network) ?? [];
    group.push(entry);
    groups.set(network, group);
  }
  return groups;
};

const toEntries = (scored: AccountTopicScore[], handles: HandleSightings): BoardEntryInput[] =>
  scored.slice(0, MAX_BOARD_ENTRIES).map((entry) => {
    const { network, id } = parseAccountKey(entry.account);
    return { rank: entry.rank, data: { network, id, handle: handles.handleOf(entry.account), score: entry.score } };
  });

const TOP_CONTENT = 5;

/** What the explain route answers, per scored account: factors, top engagers, top content. */
const explanationsOf = (
  topic: string,
  scored: AccountTopicScore[],
  content: ContentAggregate[],
  handles: HandleSightings,
  computedAt: string,
): StoredExplanation[] => {
  const contentByAuthor = new Map<string, ContentAggregate[]>();
  for (const item of content) {
    const list = contentByAuthor.get(item.author) ?? [];
    list.push(item);
    contentByAuthor.set(item.author, list);
  }
  return scored.map((entry) => {
    const own = contentByAuthor.get(entry.account) ?? [];
    const responses = own.reduce((sum, item) => sum + item.responses, 0);
    return {
      ...parseAccountKey(entry.account),
      topic,
      score: entry.score,
      rank: entry.rank,
      factors: entry.factors,
      topEngagers: entry.topEngagers.map(({ account, interactions, weight }) => ({
        ...parseAccountKey(account),
        handle: handles.handleOf(account),
        interactions,
        weight,
      })),
      topContent: own
        .sort((a, b) => b.responses - a.responses || (a.contentId < b.contentId ? -1 : 1))
        .slice(0, TOP_CONTENT)
        .map((item) => ({ contentId: item.contentId, responses: item.responses, weight: Math.round((item.responses / responses) * 1000) / 1000 })),
      computedAt,
    };
  });
};
