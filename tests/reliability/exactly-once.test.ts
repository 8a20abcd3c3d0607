/**
 * At-least-once delivery, exactly-once effect. One replay is delivered once into a fault-free
 * service; then into fresh services (a) with every delivery sent three times in a seeded shuffle,
 * and (b) once, with 10% of DynamoDB calls failing. Each ends with the same stored state and the
 * same scores as the fault-free single delivery.
 *
 * Interactions go through `POST /v1/interactions`, retractions through the queue (as the webhook
 * handlers queue them), and the local queue's consumers apply them as SQS and Lambda would:
 * SQS-shaped batches, partial batch responses, redelivery after a back-off, dead letters.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startInProcessSway, type InProcessSway } from '../support/in-process-sway';
import { observedState } from '../support/observed-state';
import { replay, shuffled, type Replay } from '../support/replay';

const SEED = 20_261_126;
const COPIES = 3;
const SENDERS = 4;
const FAULT_RATE = 0.1;
/** Of the faulted calls, the share that fails on every retry too, so the queue must redeliver. */
const PERSISTENT_SHARE = 0.1;
const MAX_RUNS = 5;

type Send = { delivery: Replay['deliveries'][number] } | { retractions: string };

const asOf = new Date();
const world = replay({ seed: SEED, engagements: 1_600, asOf });
const once: Send[] = [...world.deliveries.map((delivery) => ({ delivery })), ...world.retractionMessages.map((retractions) => ({ retractions }))];

/** Sends everything with a few senders at once, so copies of one delivery race each other; a 5xx is sent again, as clients do. */
const sendAll = async (sway: InProcessSway, sends: Send[]) => {
  let next = 0;
  let resent = 0;
  const sender = async () => {
    while (next < sends.length) {
      const send = sends[next++]!;
      if ('retractions' in send) {
        await sway.queue.send('interactions', [send.retractions]);
        continue;
      }
      for (;;) {
        const answer = await sway.ingest(JSON.stringify({ interactions: send.delivery }));
        if (answer.status < 500) {
          expect(answer.status, answer.body).toBe(202);
          break;
        }
        resent++;
      }
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
  return resent;
};

const deliver = async (sway: InProcessSway, sends: Send[]) => {
  await sway.startConsumers();
  const resent = await sendAll(sway, sends);
  await sway.drained();
  await sway.stopConsumers();
  return resent;
};

/** Recomputes until a run succeeds, as the schedule would; returns how many runs failed. */
const recomputeUntilDone = async (sway: InProcessSway) => {
  for (let failed = 0; failed < MAX_RUNS; failed++) {
    try {
      await sway.recompute(asOf);
      return failed;
    } catch {
      // The next scheduled run finishes the job.
    }
  }
  throw new Error(`no recompute succeeded in ${MAX_RUNS} runs`);
};

let expected: Awaited<ReturnType<typeof observedState>>;
beforeAll(async () => {
  const single = await startInProcessSway();
  await deliver(single, once);
  await single.recompute(asOf);
  expected = await observedState(single, world);
  // The state compared is not trivially empty: everything applied but what was retracted, all scored.
  const retracted = world.retractionMessages.flatMap((body) => (JSON.parse(body) as { retractions: unknown[] }).retractions).length;
  expect(expected.stats).toMatchObject({ interactions: world.interactions.length - retracted, pending: 0, deadLetters: 0 });
  expect(expected.topics).toEqual([...world.topics].sort());
  expect(Object.values(expected.accounts).every((account) => typeof account === 'object')).toBe(true);
}, 600_000);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('exactly-once effect', () => {
  it('duplicates: every delivery sent three times, interleaved, stores and scores exactly what one delivery does', async () => {
    const repeated = await startInProcessSway();
    const thrice = shuffled(Array.from({ length: COPIES }, () => once).flat(), SEED);
    await deliver(repeated, thrice);
    await repeated.recompute(asOf);
    expect(await observedState(repeated, world)).toEqual(expected);
    console.log(`duplicates: ${world.interactions.length} interactions in ${once.length} deliveries, each sent ${COPIES}x interleaved (${thrice.length} sends): identical state and scores`);
  });

  it('faults: with 10% of DynamoDB calls throttled or failing, nothing is lost and the state and scores are those of the fault-free run', async () => {
    // The consumer reports batches that failed whole; here that is expected.
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const faulty = await startInProcessSway();
    faulty.faults.plan({ seed: SEED, rate: FAULT_RATE, persistentShare: PERSISTENT_SHARE });
    const resent = await deliver(faulty, once);
    const applying = { ...faulty.faults.counts };
    // Transient faults only: a recompute makes too many calls to survive calls that fail for good.
    faulty.faults.plan({ seed: SEED + 1, rate: FAULT_RATE });
    const failedRuns = await recomputeUntilDone(faulty);
    faulty.faults.plan(null);
    const { counts } = faulty.faults;

    expect(applying.throttled + applying.serverErrors).toBeGreaterThan(0);
    expect(faulty.failedDeliveries.deadLettered).toBe(0);
    expect(await observedState(faulty, world)).toEqual(expected);
    console.log(
      `faults: ${counts.throttled + counts.serverErrors} faults injected in ${counts.attempts} DynamoDB request attempts (${counts.throttled} throttled, ${counts.serverErrors} 5xx); ` +
        `${counts.callsFailed} calls failed after the SDK's retries: ${faulty.failedDeliveries.redelivered} queue messages redelivered, ${resent} deliveries resent after a 5xx, ${failedRuns} recompute runs failed; identical state and scores`,
    );
  });
});
