/**
 * prepare resolves a large unread log in batches of whole days, oldest first, each against the
 * state the ones before it wrote (lib/app/recompute/prepare-unit.ts), as runs read the log day after
 * day. A first run that takes four days of log a day per batch ends exactly as one that takes them
 * in one pass: the same boards, accounts, explanations and count — with copies of an interaction
 * on several days (an earlier one arriving last), an unlike that arrives before its like, the like
 * given again after it, and a reaction whose content's topics arrive two days later.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { QueuedInteractions } from '../../lib/domain/interactions/queued';
import { readBoardPage } from '../../lib/app/queries/read-board';
import { boards, OVERALL_TOPIC } from '../../lib/adapters/dynamodb/keys';
import { engagements, interaction } from '../support/interactions';
import { isolatedTables } from '../support/isolated-tables';
import { logHarness } from '../support/log-harness';

const HOUR_MS = 3_600_000;
const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR_MS).toISOString();

const copied = interaction({ type: 'reply', id: 'copied', actor: { id: 'fan-a' }, target: { id: 'star' }, topics: ['physics'], occurredAt: at(97) });
const retracted = interaction({ type: 'like', id: 'retracted', actor: { id: 'fan-b' }, target: { id: 'star' }, topics: ['physics'], occurredAt: at(101) });
const post = interaction({ type: 'post', id: 'post', actor: { id: 'rising' }, contentId: 'rising-post', topics: ['jazz'], occurredAt: at(80) });
/** A reply to `rising-post` logged two days before the post that gives it its topic. */
const early = interaction({ type: 'reply', id: 'early', actor: { id: 'fan-c' }, target: { id: 'rising' }, parentContentId: 'rising-post', occurredAt: at(72) });

/**
 * One message a day, four days running, in the order they arrived. The unlike arrives before the
 * like it takes back (100 h ago, of a like 101 h ago), and the like given again (98 h ago) last:
 * read in another order than the days', the state would keep the first like as the copy that
 * counts and lose the later one to the unlike.
 */
const messages: QueuedInteractions[] = [
  {
    receivedAt: at(96),
    interactions: [copied, ...engagements('star', 6)],
    retractions: [{ kind: 'interaction', network: 'x', id: 'retracted', retractedAt: at(100) }],
  },
  { receivedAt: at(72), interactions: [retracted, { ...copied, occurredAt: at(73) }, early, ...engagements('quiet', 2)] },
  { receivedAt: at(48), interactions: [{ ...retracted, occurredAt: at(98) }] },
  { receivedAt: at(24), interactions: [post, { ...copied, occurredAt: at(99) }, ...engagements('rising', 3, 'reply', ['jazz'])] },
];

const observe = async (sway: ReturnType<typeof logHarness>) => {
  const page = async (board: string) => (await readBoardPage<Record<string, unknown>>(sway.stores.boards, board, 100, undefined)).items;
  const accounts = ['star', 'quiet', 'rising', 'fan-a', 'fan-c'];
  return {
    overall: await page(boards.leaderboard(OVERALL_TOPIC)),
    physics: await page(boards.leaderboard('physics')),
    jazz: await page(boards.leaderboard('jazz')),
    topics: (await page(boards.topics)).map(({ topic, accounts: size }) => ({ topic, size })),
    accounts: await Promise.all(accounts.map(async (id) => ({ id, account: await sway.stores.accounts.account('x', id) }))),
    explanations: await Promise.all(
      ['star', 'rising'].map(async (id) => {
        const explanation = await sway.stores.accounts.explanation('x', id, 'physics');
        return explanation && { score: explanation.score, factors: explanation.factors, topEngagers: explanation.topEngagers };
      }),
    ),
  };
};

let onePass: { run: Awaited<ReturnType<ReturnType<typeof logHarness>['recompute']>>; seen: Awaited<ReturnType<typeof observe>>; indexFiles: string[] };
let batched: typeof onePass;

beforeAll(async () => {
  const asOf = new Date();
  const results = [];
  for (const resolutionBatchBytes of [undefined, 1]) {
    const { db, mainTable } = await isolatedTables();
    const sway = logHarness(db, mainTable);
    for (const message of messages) await sway.apply(message);
    const run = await sway.recompute({}, { asOf, ...(resolutionBatchBytes ? { resolutionBatchBytes } : {}) });
    results.push({ run, seen: await observe(sway), indexFiles: await sway.objects.list('state/index/') });
  }
  [onePass, batched] = results as [typeof onePass, typeof onePass];
});

describe('a log resolved in batches', () => {
  it('ends as one resolved in one pass', () => {
    // One state file a batch: four days, four batches; the whole log at once, one.
    expect(onePass.indexFiles).toHaveLength(1);
    expect(batched.indexFiles).toHaveLength(4);
    expect(onePass.run).toMatchObject({ status: 'succeeded', mode: 'full' });
    expect(batched.run).toMatchObject({
      status: 'succeeded',
      mode: 'full',
      accounts: onePass.run!.accounts,
      topics: onePass.run!.topics,
      interactions: onePass.run!.interactions,
    });
    expect(batched.seen).toEqual(onePass.seen);
  });

  it('applies the rules across batches: one copy, the unlike, the like given again, the topic learnt later', () => {
    // 6 + 2 + 3 engagements, `copied` once, `retracted` given again after its retraction, `early`, `post`.
    expect(batched.run!.interactions).toBe(11 + 4);
    expect(batched.seen.topics).toEqual([
      { topic: 'physics', size: 2 },
      { topic: 'jazz', size: 1 },
    ]);
    expect(batched.seen.jazz.map((entry) => entry.id)).toEqual(['rising']);
  });
});
