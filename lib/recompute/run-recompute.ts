import { randomUUID } from 'node:crypto';
import type { Run } from '../api/schemas';
import { accountDigest } from '../interactions/account-digest';
import { parseAccountKey } from '../interactions/schema';
import { MAX_BOARD_ENTRIES, type BoardPointer } from '../leaderboards/board';
import type { ContentAggregate, EngagementAggregate, PostAggregate } from '../scoring/engagement';
import { AccountIndex } from '../scoring/account-index';
import { scoreTopic, type AccountTopicScore } from '../scoring/topic-scores';
import type { BoardEntryInput, StoredAccountScore, StoredExplanation } from '../store/sway-store';
import { OVERALL_TOPIC, boards } from '../store/keys';
import { HandleSightings } from '../interactions/handles';

/** The accounts that opted out, as of `epoch`: a counter every opt-out moves on. */
export interface OptOutState {
  epoch: number;
  /** Every opted-out account, by its digest (`accountDigest`). */
  all: Set<string>;
  /** Those whose traces no run has removed yet. */
  unpurged: Set<string>;
}

/**
 * What a run's board flip requires, checked in the same write as the flip: that the run still
 * holds its lease, and that nobody opted out since the run last read the opt-outs.
 */
export interface FlipGuard {
  runId: string;
  optOutEpoch: number;
}

/** A board pointer as stored: the per-network boards of a topic's board are listed on it. */
export interface StoredBoardPointer extends BoardPointer {
  previousVersion?: string;
  previousComputedAt?: string;
  /** On a topic's whole board: the networks that had a board of their own in this version. */
  networks?: string[];
}

export interface RecomputePorts {
  registeredTopics(): Promise<string[]>;
  /** Handles accounts published for themselves, by `network:id`: they win over what others' interactions show. */
  handleClaims(): Promise<Map<string, string>>;
  engagementAggregates(topic: string): Promise<{ edges: EngagementAggregate[]; handles: HandleSightings }>;
  postAggregates(topic: string): Promise<{ posts: PostAggregate[]; handles: HandleSightings }>;
  contentAggregates(topic: string): Promise<ContentAggregate[]>;
  writeExplanations(explanations: StoredExplanation[]): Promise<void>;
  deleteExplanations(explanations: { network: string; id: string; topic: string }[]): Promise<void>;
  writeHistory(day: string, points: { network: string; id: string; topic: string; score: number }[]): Promise<void>;
  optOutState(): Promise<OptOutState>;
  deleteAggregatesInvolving(topic: string, accounts: Set<string>): Promise<void>;
  purgeAccount(network: string, id: string, purgedAt: string): Promise<void>;
  writeBoardEntries(board: string, version: string, entries: BoardEntryInput[]): Promise<void>;
  /**
   * Makes `pointer` the board readers see, if `guard` holds (else throws LeaseLostError or
   * OptOutsChangedError, and nothing changed). Keeps the replaced version for open cursors unless
   * `keepReplaced` is false. Returns the pointer it replaced and the versions no pointer references any more.
   */
  flipBoard(
    board: string,
    pointer: BoardPointer & { networks?: string[] },
    guard: FlipGuard,
    options: { keepReplaced: boolean },
  ): Promise<{ replaced: StoredBoardPointer | null; unreferenced: string[] }>;
  deleteBoardVersion(board: string, version: string): Promise<void>;
  /** A board and every version of it, as if it had never been computed. */
  deleteBoard(board: string): Promise<void>;
  /** Writes each account's item unless the account opted out: an opt-out is never overwritten. */
  writeAccountScores(accounts: StoredAccountScore[], runId: string): Promise<void>;
  /** Deletes the items of accounts no longer seen, opt-outs excepted. */
  deleteAccountScores(accounts: { network: string; id: string }[]): Promise<void>;
  putRun(run: Run): Promise<void>;
  finishRun(run: Run): Promise<void>;
  acquireRunLock(runId: string, leaseMs: number): Promise<boolean>;
  /** Extends the run's lease; false if another run holds the lock now. */
  renewRunLock(runId: string, leaseMs: number): Promise<boolean>;
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

/** The run no longer holds the lock (its lease ran out and another run took it): it must stop writing. */
export class LeaseLostError extends Error {
  constructor() {
    super('the run lost its lease on the recompute lock');
    this.name = 'LeaseLostError';
  }
}

/** Someone opted out since the run read the opt-outs: what it was about to publish may name them. */
export class OptOutsChangedError extends Error {
  constructor() {
    super('an account opted out during the run');
    this.name = 'OptOutsChangedError';
  }
}

/** Long enough to ride out a slow write; short enough that a crashed run frees the way soon. */
export const RUN_LEASE_MS = 120_000;
const MAX_TOPICS_PER_ACCOUNT = 50;

/**
 * The run's hold on the lock: renewed on a timer (three times a lease), and lost for good the
 * first time a renewal finds another run holding it; every write step asks first.
 */
const holdLease = (ports: RecomputePorts, runId: string, leaseMs: number) => {
  let lost = false;
  let renewal: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewal = renewal.then(async () => {
      if (lost) return;
      try {
        if (!(await ports.renewRunLock(runId, leaseMs))) lost = true;
      } catch {
        // A failed renewal is tried again at the next tick; the lease covers two more.
      }
    });
  }, Math.max(10, Math.floor(leaseMs / 3)));
  timer.unref?.();
  return {
    assertHeld: () => {
      if (lost) throw new LeaseLostError();
    },
    stop: async () => {
      clearInterval(timer);
      await renewal;
    },
  };
};

type Lease = ReturnType<typeof holdLease>;

/**
 * Recomputes every topic's scores and boards from the stored aggregates. Each board is written as
 * a new version and its pointer flips only once the version is complete, so readers always see a
 * whole board, old or new; a run that dies leaves the previous boards served.
 */
export const runRecompute = async (
  run: Run,
  ports: RecomputePorts,
  now: () => Date = () => new Date(),
  { leaseMs = RUN_LEASE_MS }: { leaseMs?: number } = {},
): Promise<Run> => {
  if (!(await ports.acquireRunLock(run.runId, leaseMs))) throw new RunInProgressError();
  const lease = holdLease(ports, run.runId, leaseMs);
  await ports.putRun({ ...run, status: 'running' });
  try {
    const summary = await recomputeBoards(run, ports, lease);
    lease.assertHeld();
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
    await lease.stop();
    await ports.releaseRunLock(run.runId);
  }
};

/** What a topic's scoring gave, once published. */
interface PublishedTopic {
  topic: string;
  scored: AccountTopicScore[];
  /** Accounts seen in the topic (every author and engager of its kept aggregates). */
  seen: Set<string>;
}

const recomputeBoards = async (run: Run, ports: RecomputePorts, lease: Lease): Promise<{ topics: number; accounts: number }> => {
  const asOf = new Date(run.startedAt);
  const baseVersion = `${run.startedAt.replace(/[^0-9]/g, '').slice(0, 14)}-${run.runId.slice(0, 8)}`;
  const staleVersions: [string, string][] = [];
  const handles = new HandleSightings(await ports.handleClaims());
  const historyDay = run.startedAt.slice(0, 10);
  const accountIndex = new AccountIndex();

  // Consent: opted-out accounts are left out of everything, including their contributions to
  // others. The opt-outs are read again whenever a flip finds that one landed since.
  let optOuts = await ports.optOutState();
  const purging = new Set(optOuts.unpurged);
  // Opt-outs are known by the digest of the account; each account's is worked out once a run.
  const digests = new Map<string, string>();
  const digestOf = (account: string): string => {
    let digest = digests.get(account);
    if (digest === undefined) digests.set(account, (digest = accountDigest(account)));
    return digest;
  };
  const refreshOptOuts = async () => {
    optOuts = await ports.optOutState();
  };

  const publish = async (board: string, entries: BoardEntryInput[], version: string, networks?: string[]) => {
    lease.assertHeld();
    await ports.writeBoardEntries(board, version, entries);
    const pointer = { version, count: entries.length, computedAt: run.startedAt, ...(networks ? { networks } : {}) };
    // A run that removes an opted-out account keeps no earlier version for old cursors: it may name it.
    const { replaced, unreferenced } = await ports.flipBoard(board, pointer, { runId: run.runId, optOutEpoch: optOuts.epoch }, { keepReplaced: purging.size === 0 });
    for (const stale of unreferenced) staleVersions.push([board, stale]);
    return replaced;
  };

  /** Accounts the ones being purged engaged with, or were engaged by, per topic: their results may name them. */
  const counterparts = new Map<string, Set<string>>();

  /**
   * Scores a topic and publishes its results; when a flip finds that someone opted out since the
   * opt-outs were read, scores it again without them and publishes that instead.
   */
  const scoreAndPublish = async (topic: string, allEdges: EngagementAggregate[], allPosts: PostAggregate[], content: ContentAggregate[]): Promise<PublishedTopic> => {
    for (let attempt = 0; ; attempt++) {
      const epoch = optOuts.epoch;
      const present = (...accounts: string[]) => !accounts.some((account) => optOuts.all.has(digestOf(account)));
      const edges = allEdges.filter((edge) => present(edge.author, edge.engager));
      const posts = allPosts.filter((post) => present(post.author));
      const { ranked: scored } = scoreTopic(edges, posts, asOf, { accountIndex });
      const explanations = explanationsOf(topic, scored, content.filter((item) => present(item.author)), handles, run.startedAt);
      // Each run overwrites the day's point: the history keeps the day's latest score.
      const historyPoints = scored.map(({ account, score }) => ({ ...parseAccountKey(account), topic, score }));
      const networkBoards = [...byNetwork(scored)];
      const version = attempt === 0 ? baseVersion : `${baseVersion}-${attempt}`;
      try {
        lease.assertHeld();
        await Promise.all([ports.writeExplanations(explanations), ports.writeHistory(historyDay, historyPoints)]);
        const replaced = await publish(
          boards.leaderboard(topic),
          toEntries(scored, handles),
          version,
          networkBoards.map(([network]) => network),
        );
        for (const [network, networkScored] of networkBoards) await publish(boards.leaderboard(topic, network), toEntries(networkScored, handles), version);
        // A network nobody of the topic is on any more keeps no board of its own.
        const vanished = (replaced?.networks ?? []).filter((network) => !networkBoards.some(([kept]) => kept === network));
        for (const network of vanished) await ports.deleteBoard(boards.leaderboard(topic, network));
        const seen = new Set<string>();
        for (const edge of edges) seen.add(edge.author).add(edge.engager);
        for (const post of posts) seen.add(post.author);
        return { topic, scored, seen };
      } catch (error) {
        if (!(error instanceof OptOutsChangedError)) throw error;
        await refreshOptOuts();
        // The opt-outs moved on only if our epoch was stale; otherwise the guard is broken.
        if (optOuts.epoch === epoch) throw error;
      }
    }
  };

  const published: PublishedTopic[] = [];
  // A topic's results are written while the next topic is read and scored; one topic's writes at a time.
  let topicWrites: Promise<void> = Promise.resolve();
  for (const topic of [OVERALL_TOPIC, ...(await ports.registeredTopics())]) {
    const engagement = await ports.engagementAggregates(topic);
    const posting = await ports.postAggregates(topic);
    const content = await ports.contentAggregates(topic);
    handles.merge(engagement.handles);
    handles.merge(posting.handles);
    if (purging.size > 0) {
      const others = new Set<string>();
      for (const { author, engager } of engagement.edges) {
        if (purging.has(author)) others.add(engager);
        if (purging.has(engager)) others.add(author);
      }
      counterparts.set(topic, others);
      lease.assertHeld();
      await ports.deleteAggregatesInvolving(topic, purging);
    }
    await topicWrites;
    topicWrites = scoreAndPublish(topic, engagement.edges, posting.posts, content).then((result) => void published.push(result));
    // Marked handled here so a failure while the next topic is scored is not an unhandled
    // rejection; it is thrown where it is awaited.
    topicWrites.catch(() => undefined);
  }
  await topicWrites;

  // Everyone seen is an account with a score, even those nobody has responded to yet.
  const accounts = new Map<string, StoredAccountScore>();
  const overall = published.find((result) => result.topic === OVERALL_TOPIC);
  for (const key of overall?.seen ?? []) {
    const { network, id } = parseAccountKey(key);
    accounts.set(key, { network, id, handle: handles.handleOf(key), score: 1, topics: [], computedAt: run.startedAt });
  }
  for (const { account, score } of overall?.scored ?? []) accounts.get(account)!.score = score;
  const topicSizes: { topic: string; accounts: number }[] = [];
  for (const { topic, scored } of published) {
    if (topic === OVERALL_TOPIC) continue;
    for (const { account, score, rank } of scored) accounts.get(account)?.topics.push({ topic, score, rank });
    if (scored.length > 0) topicSizes.push({ topic, accounts: scored.length });
  }
  for (const account of accounts.values()) {
    account.topics.sort((a, b) => b.score - a.score || a.rank - b.rank || (a.topic < b.topic ? -1 : 1));
    account.topics = account.topics.slice(0, MAX_TOPICS_PER_ACCOUNT);
  }
  lease.assertHeld();
  await ports.writeAccountScores([...accounts.values()], run.runId);

  // What earlier runs wrote about the purged accounts' counterparts that this run no longer
  // produces — an explanation in a topic where they are no longer scored, the item of an account
  // no longer seen at all — may name the purged accounts, and goes.
  const scoredIn = new Map(published.map(({ topic, scored }) => [topic, new Set(scored.map((entry) => entry.account))]));
  const staleExplanations: { network: string; id: string; topic: string }[] = [];
  const unseen = new Set<string>();
  for (const [topic, others] of counterparts) {
    for (const other of others) {
      if (purging.has(other)) continue;
      if (!scoredIn.get(topic)?.has(other)) staleExplanations.push({ ...parseAccountKey(other), topic });
      if (!accounts.has(other)) unseen.add(other);
    }
  }
  lease.assertHeld();
  await ports.deleteExplanations(staleExplanations);
  await ports.deleteAccountScores([...unseen].map(parseAccountKey));
  // Accounts that opted out during this run are purged by the next, which leaves them out from its start.
  for (const account of purging) {
    const { network, id } = parseAccountKey(account);
    lease.assertHeld();
    await ports.purgeAccount(network, id, run.startedAt);
  }

  topicSizes.sort((a, b) => b.accounts - a.accounts || (a.topic < b.topic ? -1 : 1));
  const topicList = topicSizes.map((size, index) => ({ rank: index + 1, data: size }));
  // The topic list names no account: an opt-out since the run read them changes nothing in it.
  for (;;) {
    try {
      await publish(boards.topics, topicList, baseVersion);
      break;
    } catch (error) {
      if (!(error instanceof OptOutsChangedError)) throw error;
      await refreshOptOuts();
    }
  }

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
