/**
 * A run that lost its lease (issue 11, finding 6) stops writing: its pointer flips are refused,
 * it commits no state and writes no account, and it is marked failed; two runs never interleave.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { MANIFEST_KEY } from '../../lib/app/recompute/run-state';
import { boards, keys } from '../../lib/adapters/dynamodb/keys';
import { engagements } from '../support/interactions';
import { isolatedTables } from '../support/isolated-tables';
import { logHarness } from '../support/log-harness';
import { pausing } from '../support/pausing-ports';

let sway: ReturnType<typeof logHarness>;
let steal: (runId: string) => Promise<void>;

beforeEach(async () => {
  const { db, mainTable } = await isolatedTables();
  sway = logHarness(db, mainTable);
  // What another run does once this one's lease has run out: it takes the lock.
  steal = async (runId) => {
    await db.send(new PutCommand({ TableName: mainTable, Item: { ...keys.runLock, runId, leaseUntil: Date.now() + 60_000 } }));
  };
  await sway.apply({
    receivedAt: new Date().toISOString(),
    interactions: [...engagements('star', 5, 'reply', ['alpha']), ...engagements('sun', 4, 'reply', ['beta']), ...engagements('moon', 3, 'like', ['gamma'])],
  });
});

describe('a run that lost its lease', () => {
  it('flips no board, writes no account, commits no state, and is marked failed', async () => {
    const before = await sway.recompute();
    const manifestBefore = Buffer.from((await sway.objects.get(MANIFEST_KEY))!).toString('utf8');
    const pointers = async () => Promise.all(['alpha', 'beta', 'gamma'].map((topic) => sway.stores.boards.boardPointer(boards.leaderboard(topic))));
    const pointersBefore = await pointers();
    await sway.apply({
      receivedAt: new Date().toISOString(),
      interactions: [...engagements('sun', 6, 'reply', ['beta']), ...engagements('moon', 5, 'like', ['gamma'])],
    });

    // The topics have scored and are about to publish when another run takes the lock.
    const { proxy, paused, resume } = pausing(sway.stores.boards, 'writeBoards', { onward: true });
    const running = sway.recompute({ boards: proxy }, { runId: 'loser' });
    await paused;
    await steal('intruder');
    resume();
    const lost = await running.then(
      (run) => run,
      (error: Error) => error,
    );
    // Every topic failed on the lease; the finish found it gone too.
    expect(lost).toMatchObject({ name: 'LeaseLostError' });
    expect(await sway.stores.runs.run('loser')).toMatchObject({ status: 'failed', error: 'LeaseLostError' });

    expect(await pointers()).toEqual(pointersBefore);
    // The scores of the earlier run: the loser's new engagements of sun and moon reached no account item.
    for (const id of ['sun', 'moon']) expect(await sway.stores.accounts.account('x', id), id).toMatchObject({ computedAt: before!.startedAt });
    expect(Buffer.from((await sway.objects.get(MANIFEST_KEY))!).toString('utf8')).toBe(manifestBefore);
    expect(await sway.stores.runs.runLockHolder()).toBe('intruder');
  });
});
