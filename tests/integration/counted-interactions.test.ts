/**
 * The interactions a run reports counting in the window are kept by the day they occurred in the
 * manifest (lib/app/recompute/run-state.ts), each run adding what its log changed, rather than
 * counted again from the whole index by every full pass. Kept so, the figure equals the count from
 * the index: as interactions arrive, as one is taken back, as the window moves past a day, and
 * after a purge (which counts them from the index again).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_KEY, ManifestSchema, readManifest, writeJson } from '../../lib/app/recompute/run-state';
import { engagements, interaction } from '../support/interactions';
import { isolatedTables } from '../support/isolated-tables';
import { logHarness } from '../support/log-harness';

const DAY_MS = 86_400_000;
const start = Date.now();
const daysAgo = (days: number) => new Date(start - days * DAY_MS).toISOString();
const day = (days: number) => daysAgo(days).slice(0, 10);

/** A reply of the first day of the 90-day window: a day after the first run, the window has moved past it. */
const leaving = interaction({
  type: 'reply',
  id: 'leaving',
  actor: { id: 'early-fan' },
  target: { id: 'star' },
  topics: ['physics'],
  occurredAt: `${day(90)}T12:00:00.000Z`,
});
const takenBack = interaction({ type: 'like', id: 'taken-back', actor: { id: 'fickle' }, target: { id: 'star' }, topics: ['physics'] });

type Harness = ReturnType<typeof logHarness>;
const harness = async (): Promise<Harness> => {
  const { db, mainTable } = await isolatedTables();
  return logHarness(db, mainTable);
};

/** The count a run of `sway` would report from the index alone: its manifest made as one written before the counts by day were kept. */
const countedFromIndex = async (sway: Harness, asOf: Date): Promise<number> => {
  const { countedByDay: _kept, ...older } = await readManifest(sway.objects);
  await writeJson(sway.objects, MANIFEST_KEY, older);
  const run = await sway.recompute({}, { asOf, full: true });
  expect(run).toMatchObject({ status: 'succeeded', mode: 'full' });
  return run!.interactions!;
};

let sway: Harness;
beforeAll(async () => {
  sway = await harness();
  await sway.apply(
    { receivedAt: daysAgo(0.5), interactions: [leaving, takenBack, ...engagements('star', 5), ...engagements('quitter', 2)] },
    new Date(start - 0.5 * DAY_MS),
  );
});

describe('the interactions a run counts', () => {
  it('are kept by the day they occurred, from the first run on', async () => {
    const run = await sway.recompute({}, { asOf: new Date(start) });
    expect(run).toMatchObject({ status: 'succeeded', mode: 'full', interactions: 9 });
    const manifest = await readManifest(sway.objects);
    expect(manifest.countedByDay).toEqual({ [day(90)]: 1, [day(1)]: 8 });
  });

  it('lose one taken back, in an incremental run', async () => {
    await sway.apply({
      receivedAt: daysAgo(0),
      retractions: [{ kind: 'interaction', network: 'x', id: 'taken-back', retractedAt: daysAgo(0) }],
      interactions: [],
    });
    const run = await sway.recompute({}, { asOf: new Date(start + 1_000) });
    expect(run).toMatchObject({ status: 'succeeded', mode: 'incremental', interactions: 8 });
    expect((await readManifest(sway.objects)).countedByDay).toEqual({ [day(90)]: 1, [day(1)]: 7 });
  });

  it('lose a day the window moved past, as a count from the index does', async () => {
    const tomorrow = new Date(start + DAY_MS);
    const run = await sway.recompute({}, { asOf: tomorrow });
    expect(run).toMatchObject({ status: 'succeeded', mode: 'full', interactions: 7 });
    // The day that left the window is no longer kept.
    expect(ManifestSchema.parse(await readManifest(sway.objects)).countedByDay).toEqual({ [day(1)]: 7 });
    expect(await countedFromIndex(sway, tomorrow)).toBe(7);
    // Counted from the index, they are kept again.
    expect((await readManifest(sway.objects)).countedByDay).toEqual({ [day(1)]: 7 });
  });

  it('are counted from the index after a purge, and kept from then on', async () => {
    await sway.consent.optOut('x', 'quitter', new Date().toISOString());
    const later = new Date(start + DAY_MS + 60_000);
    const purged = await sway.recompute({}, { asOf: later });
    expect(purged).toMatchObject({ status: 'succeeded', mode: 'full', interactions: 5 });
    expect((await readManifest(sway.objects)).countedByDay).toEqual({ [day(1)]: 5 });
    await sway.apply({ receivedAt: later.toISOString(), interactions: engagements('newcomer', 3) }, later);
    const next = await sway.recompute({}, { asOf: new Date(later.getTime() + 1_000) });
    expect(next).toMatchObject({ status: 'succeeded', mode: 'incremental', interactions: 8 });
  });
});
