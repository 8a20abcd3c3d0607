/**
 * At-least-once delivery, exactly-once effect. One replay is delivered once into a fault-free
 * service; then into fresh services (a) with every delivery sent three times, interleaved, and
 * (b) once, with DynamoDB and the object store failing. Each ends with the same committed state and
 * the same scores as the fault-free single delivery — and each proves that the path it is about
 * ran: copies that reached the apply step and the log, calls that failed past the SDK's retries,
 * messages the queue redelivered, deliveries the client sent again, runs that died and were redone.
 *
 * Interactions go through `POST /v1/interactions`, retractions through the queue (as the webhook
 * handlers queue them), and the local queue's consumers apply them as SQS and Lambda would:
 * SQS-shaped batches, partial batch responses, redelivery after a back-off, dead letters.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Interaction } from '../../lib/domain/interactions/schema';
import { injectObjectStoreFaults } from '../support/fault-injection';
import { startInProcessSway, type InProcessSway } from '../support/in-process-sway';
import { copiesInLog, logRows, observedState } from '../support/observed-state';
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
const keyOf = (interaction: Pick<Interaction, 'network' | 'id'>) => `${interaction.network}:${interaction.id}`;
const retractedIds = new Set(
  world.retractionMessages.flatMap((body) =>
    (JSON.parse(body) as { retractions: { kind: string; network: string; id?: string }[] }).retractions.flatMap((r) => (r.id ? [`${r.network}:${r.id}`] : [])),
  ),
);

/** Sends everything with a few senders at once, so copies of one delivery race each other; a 5xx is sent again, as clients do. */
const sendAll = async (sway: InProcessSway, sends: Send[]) => {
  let next = 0;
  const sent = { resent: 0, duplicates: 0, accepted: 0 };
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
          const { accepted, duplicates } = JSON.parse(answer.body) as { accepted: number; duplicates: number };
          expect(accepted + duplicates).toBe(send.delivery.length);
          sent.accepted += accepted;
          sent.duplicates += duplicates;
          break;
        }
        sent.resent++;
      }
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
  return sent;
};

/**
 * What reached the interactions queue (every body, in order) and how many messages the consumers
 * acknowledged: a message is acknowledged only once the apply step returned without failing it.
 */
const recordQueue = (sway: InProcessSway) => {
  const record = { bodies: [] as string[], acknowledged: 0 };
  const send = sway.queue.send.bind(sway.queue);
  sway.queue.send = async (queue, bodies) => {
    await send(queue, bodies);
    if (queue === 'interactions') record.bodies.push(...bodies);
  };
  const acknowledge = sway.queue.deleteMessages.bind(sway.queue);
  sway.queue.deleteMessages = async (queue, messageIds) => {
    await acknowledge(queue, messageIds);
    if (queue === 'interactions') record.acknowledged += messageIds.length;
  };
  return record;
};

/** Per interaction, the distinct queued messages that carry it: what the log must hold, one object each. */
const distinctMessagesPerInteraction = (bodies: readonly string[]) => {
  const expected = new Map<string, number>();
  for (const body of new Set(bodies)) {
    for (const interaction of (JSON.parse(body) as { interactions: Interaction[] }).interactions)
      expected.set(keyOf(interaction), (expected.get(keyOf(interaction)) ?? 0) + 1);
  }
  return expected;
};

const deliver = async (sway: InProcessSway, sends: Send[]) => {
  await sway.startConsumers();
  const sent = await sendAll(sway, sends);
  await sway.drained();
  await sway.stopConsumers();
  return sent;
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
  expect(expected.state?.index.length).toBe(world.interactions.length);
  expect(Object.values(expected.accounts).every((account) => typeof account === 'object')).toBe(true);
  // Which of the retracted interactions keep their applied mark depends on whether the retraction was
  // applied before or after them (arrival order, which the runs below shuffle); the scores do not.
  expected.applied = expected.applied.filter((key) => !retractedIds.has(key));
  expect(expected.applied).toHaveLength(world.interactions.length - retractedIds.size);
}, 600_000);

const observed = async (sway: InProcessSway) => {
  const state = await observedState(sway, world);
  return { ...state, applied: state.applied.filter((key) => !retractedIds.has(key)) };
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('exactly-once effect', () => {
  it('duplicates: every delivery sent three times, interleaved, reaches the apply step and the log as copies, and scores exactly what one delivery does', async () => {
    const repeated = await startInProcessSway();
    const queued = recordQueue(repeated);
    // Copies one and two of every delivery, interleaved, before anything is applied: the API's
    // dedupe (which drops interactions applied before) cannot drop them, so both reach the apply step.
    const early = await sendAll(repeated, shuffled([...once, ...once], SEED));
    await repeated.startConsumers();
    // The third copies while the first two are being applied: dropped by the API where their
    // interaction was applied already, applied once more where not.
    const late = await sendAll(repeated, shuffled(once, SEED + 1));
    await repeated.drained();
    await repeated.stopConsumers();

    // Every copy is accounted for: queued for the apply step, or answered as a duplicate.
    expect(early.duplicates).toBe(0);
    const queuedPerInteraction = new Map<string, number>();
    for (const body of queued.bodies)
      for (const interaction of (JSON.parse(body) as { interactions: Interaction[] }).interactions)
        queuedPerInteraction.set(keyOf(interaction), (queuedPerInteraction.get(keyOf(interaction)) ?? 0) + 1);
    expect([...queuedPerInteraction.values()].reduce((a, b) => a + b, 0) + late.duplicates).toBe(COPIES * world.interactions.length);
    expect(world.interactions.filter((interaction) => (queuedPerInteraction.get(keyOf(interaction)) ?? 0) < 2)).toEqual([]);
    // Every queued copy went through the apply step: the consumers acknowledged each one.
    expect(queued.acknowledged).toBe(queued.bodies.length);
    // And the log holds each copy: one object per distinct message (a message applied again
    // rewrites its own object), so every interaction is in the log as often as distinct messages carried it.
    const rows = await logRows(repeated.objects);
    const inLog = copiesInLog(rows);
    const expectedCopies = distinctMessagesPerInteraction(queued.bodies);
    expect(Object.fromEntries([...inLog].map(([key, copies]) => [key, copies.rows]))).toEqual(Object.fromEntries(expectedCopies));
    expect([...inLog.values()].every((copies) => copies.objects.size === copies.rows)).toBe(true);
    const logCopies = [...inLog.values()].reduce((sum, copies) => sum + copies.rows, 0);
    expect(logCopies).toBeGreaterThanOrEqual(2 * world.interactions.length);
    // The three identical copies of a retraction message are one object, written three times.
    expect(new Set(rows.filter((row) => row.kind === 'retract' || row.kind === 'retract-content').map((row) => row.object)).size).toBe(
      world.retractionMessages.length,
    );

    await repeated.recompute(asOf);
    expect(await observed(repeated)).toEqual(expected);
    console.log(
      `duplicates: ${world.interactions.length} interactions in ${world.deliveries.length} deliveries (+ ${world.retractionMessages.length} retraction messages), each sent ${COPIES}x interleaved by ${SENDERS} senders; ` +
        `${queued.bodies.length} messages reached the apply step (${late.duplicates} interactions of third copies dropped by the API as applied), ${logCopies} copies of interactions in the log; identical state and scores`,
    );
  });

  it('faults: DynamoDB calls failing past the SDK retries, log writes failing, runs dying at their commit — nothing lost or doubled, the state and scores of the fault-free run', async () => {
    // The consumer and the orchestrator report what failed; here that is expected.
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const faulty = await startInProcessSway();
    const queued = recordQueue(faulty);
    const objectFaults = injectObjectStoreFaults(faulty.objects);
    const dedupeKey = (interaction: Interaction) => `INT#${interaction.network}#${interaction.id}"`;
    const [resentDelivery, redeliveredDelivery] = [world.deliveries[5]!, world.deliveries[11]!];
    faulty.faults.plan({
      seed: SEED,
      rate: FAULT_RATE,
      persistentShare: PERSISTENT_SHARE,
      failOnce: [
        // The ingest route's look-up of applied interactions fails past the SDK's retries: a 500, and the client sends again.
        { command: 'BatchGet', text: dedupeKey(resentDelivery[0]!) },
        // The apply step's marks fail after its log object was written: the queue redelivers, the object is written again.
        { command: 'BatchWrite', text: dedupeKey(redeliveredDelivery.find((interaction) => !retractedIds.has(keyOf(interaction)))!) },
      ],
    });
    // Every tenth object written to the log fails, as S3 failing past its retries: the queue redelivers the message.
    objectFaults.plan((key, write) => key.startsWith('log/') && write % 10 === 3);
    const { resent } = await deliver(faulty, once);
    const applying = { ...faulty.faults.counts, logWritesFailed: objectFaults.failed.length, ...faulty.failedDeliveries };

    // Each path ran: calls failed past the SDK's retries (the two chosen ones at least), the client
    // sent a delivery again after a 5xx, the queue redelivered every message whose log write or marks failed.
    expect(applying.failedOnce).toBe(2);
    expect(applying.callsFailed).toBeGreaterThanOrEqual(2);
    expect(resent).toBeGreaterThanOrEqual(1);
    expect(applying.logWritesFailed).toBeGreaterThan(0);
    expect(applying.redelivered).toBeGreaterThanOrEqual(applying.logWritesFailed + 1);
    expect(applying.deadLettered).toBe(0);
    // Exactly once in the log: one object per distinct message, however often it was applied.
    const rows = await logRows(faulty.objects);
    expect(new Set(rows.map((row) => row.object)).size).toBe(new Set(queued.bodies).size);
    expect(Object.fromEntries([...copiesInLog(rows)].map(([key, copies]) => [key, copies.rows]))).toEqual(
      Object.fromEntries(distinctMessagesPerInteraction(queued.bodies)),
    );
    expect(queued.acknowledged).toBe(queued.bodies.length);

    // The recompute, with transient DynamoDB faults (a run makes too many calls to survive calls
    // that fail for good), one topic's window write failing once (the topic is retried within the
    // run) and the first commit of the manifest failing (the run fails; the next one redoes it).
    faulty.faults.plan({ seed: SEED + 1, rate: FAULT_RATE });
    const topicWindow = /^state\/topics\/jazz\/window-/;
    const failOnce = new Set(['window', 'manifest']);
    objectFaults.plan((key) => failOnce.delete(key === 'state/manifest.json' ? 'manifest' : topicWindow.test(key) ? 'window' : ''));
    const failedRuns = await recomputeUntilDone(faulty);
    const recomputeFaults = objectFaults.failed.slice(applying.logWritesFailed);
    faulty.faults.plan(null);
    objectFaults.plan(null);

    expect(recomputeFaults).toEqual([expect.stringMatching(topicWindow), 'state/manifest.json']);
    expect(failedRuns).toBe(1);
    expect(faulty.faults.counts.throttled + faulty.faults.counts.serverErrors).toBeGreaterThan(applying.throttled + applying.serverErrors);
    expect(await observed(faulty)).toEqual(expected);
    const { counts } = faulty.faults;
    console.log(
      `faults: ${counts.throttled + counts.serverErrors} DynamoDB faults injected in ${counts.attempts} request attempts (${counts.throttled} throttled, ${counts.serverErrors} HTTP 500); ` +
        `${counts.callsFailed} calls failed past the SDK's retries, ${applying.logWritesFailed} log object writes failed: ${applying.redelivered} queue messages redelivered, ${resent} deliveries resent after a 5xx; ` +
        `recompute: a topic's window write failed once (retried in the run), the first manifest commit failed (${failedRuns} run failed, the next succeeded); nothing lost or doubled, identical state and scores`,
    );
  });
});
