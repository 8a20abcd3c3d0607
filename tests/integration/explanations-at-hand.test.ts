/**
 * A topic writes the explanations that changed from its scored authors while they are still at
 * hand, rather than decoding the explanation file it just wrote (lib/app/recompute/topic-files.ts,
 * explanationsAtHand). What it writes must be what the file holds, body for body: after a full pass,
 * and after an incremental run that adds a file of the accounts it rescored.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sqlString, withDuckDb } from '../../lib/adapters/duckdb/duckdb';
import { decodeExplanationBody } from '../../lib/app/recompute/explanation-body';
import { explanationFilesOf, readManifest } from '../../lib/app/recompute/run-state';
import { parseAccountKey } from '../../lib/domain/interactions/schema';
import { engagements, interaction } from '../support/interactions';
import { isolatedTables } from '../support/isolated-tables';
import { logHarness } from '../support/log-harness';

type Harness = ReturnType<typeof logHarness>;
let sway: Harness;

/** The bodies of the latest explanation file of `topic`, decoded, beside the explanations stored for the same accounts. */
const writtenAndStored = async (topic: string) => {
  const head = (await readManifest(sway.objects)).topics[topic]!.head!;
  const [file] = await sway.objects.localPaths(explanationFilesOf(head).slice(-1));
  const rows = await withDuckDb(async (db) =>
    (await db.runAndReadAll(`SELECT account, body FROM read_parquet(${sqlString(file!)}) WHERE body IS NOT NULL ORDER BY account`)).getRows(),
  );
  return Promise.all(
    rows.map(async ([account, body]) => {
      const { network, id } = parseAccountKey(String(account));
      const { score, factors, topEngagers, topContent, flags } = decodeExplanationBody(String(body));
      const stored = await sway.stores.accounts.explanation(network, id, topic);
      return {
        account: String(account),
        written: { score, factors, topEngagers: topEngagers.map((engager) => ({ ...parseAccountKey(engager.account), ...engager })), topContent, flags },
        stored: stored && {
          score: stored.score,
          factors: stored.factors,
          topEngagers: stored.topEngagers.map(({ network: engagerNetwork, id: engagerId, interactions, weight }) => ({
            network: engagerNetwork,
            id: engagerId,
            account: `${engagerNetwork}:${engagerId}`,
            interactions,
            weight,
          })),
          topContent: stored.topContent,
          flags: stored.flags ?? 0,
        },
      };
    }),
  );
};

beforeAll(async () => {
  const { db, mainTable } = await isolatedTables();
  sway = logHarness(db, mainTable);
  const post = interaction({ type: 'post', id: 'star-post', actor: { id: 'star' }, contentId: 'star-post', topics: ['physics'] });
  const replies = [1, 2, 3].map((n) =>
    interaction({ type: 'reply', actor: { id: `reader-${n}` }, target: { id: 'star' }, parentContentId: 'star-post', topics: ['physics'] }),
  );
  await sway.apply({ receivedAt: new Date().toISOString(), interactions: [post, ...replies, ...engagements('star', 4), ...engagements('rival', 2, 'like')] });
});

describe('explanations written from what is at hand', () => {
  it('are what a full pass’s explanation file holds', async () => {
    expect(await sway.recompute({}, { full: true })).toMatchObject({ status: 'succeeded', mode: 'full' });
    const pairs = await writtenAndStored('physics');
    expect(pairs.map((pair) => pair.account)).toEqual(['x:rival', 'x:star']);
    for (const { written, stored } of pairs) expect(stored).toEqual(written);
    // Content weighed by its share of the responses: the three replies to the one post.
    expect(pairs[1]!.stored!.topContent).toEqual([{ contentId: 'star-post', responses: 3, weight: 1 }]);
  });

  it('are what the file an incremental run adds holds', async () => {
    await sway.apply({ receivedAt: new Date().toISOString(), interactions: engagements('rival', 5, 'reply') });
    expect(await sway.recompute()).toMatchObject({ status: 'succeeded', mode: 'incremental' });
    const head = (await readManifest(sway.objects)).topics.physics!.head!;
    expect(head.explanations).toHaveLength(2);
    const pairs = await writtenAndStored('physics');
    expect(pairs.map((pair) => pair.account)).toContain('x:rival');
    for (const { written, stored } of pairs) expect(stored).toEqual(written);
  });
});
