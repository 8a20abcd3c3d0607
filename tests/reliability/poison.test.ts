/**
 * Items that always fail never block their batch: the rest of the batch is applied (partial batch
 * responses), they end in the dead-letter store after the retry limit, and once the cause is
 * fixed `sway redrive` puts them back and they are applied.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Interaction } from '../../lib/interactions/schema';
import { queues } from '../../lib/workers';
import { runSway } from '../unit/cli/run-sway';
import { IN_PROCESS_ADMIN_TOKEN, startInProcessSway, type InProcessSway } from '../support/in-process-sway';
import { engagements, interaction } from '../support/interactions';

const MESSAGES = 30;
/** Each poisoned interaction fails in DynamoDB on every attempt until the fault is lifted: its message always fails. */
const POISONED = 'poisoned-';
const POISONED_AT = [3, 17];

let sway: InProcessSway;
let http: Awaited<ReturnType<InProcessSway['listen']>>;
beforeAll(async () => {
  // The local consumer reports batches in which every message failed; here that is the point.
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  sway = await startInProcessSway();
  http = await sway.listen();
});
afterAll(async () => {
  await sway.stopConsumers();
  await http.close();
  vi.restoreAllMocks();
});

const stats = async () => JSON.parse((await sway.admin('GET', '/v1/admin/stats')).body) as { interactions: number; pending: number; deadLetters: number };

const settled = async (deadLetters: number) => {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const now = await stats();
    if (now.pending === 0 && now.deadLetters === deadLetters) return now;
    if (Date.now() > deadline) {
      const letters = (await sway.queue.deadLetters(queues.interactions.name)).map((letter) => letter.body.slice(0, 120));
      throw new Error(`never settled with ${deadLetters} dead letters: ${JSON.stringify({ ...now, ...sway.failedDeliveries, letters })}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

const message = (interactions: Interaction[]) => JSON.stringify({ receivedAt: new Date().toISOString(), interactions });

describe('poison messages', () => {
  it('dead-letters what always fails after 5 receives, applies the rest of each batch, and redrives once fixed', async () => {
    const poisoned = POISONED_AT.map((_, i) => interaction({ type: 'reply', id: `${POISONED}${i}`, actor: { id: `patient-${i}` }, target: { id: 'healed' }, topics: ['poison'] }));
    const bodies = Array.from({ length: MESSAGES }, (_, i) => {
      const at = POISONED_AT.indexOf(i);
      return at >= 0 ? message([poisoned[at]!]) : message(engagements(`author-${i}`, 4, 'like', ['poison']));
    });
    const good = (MESSAGES - POISONED_AT.length) * 4;

    sway.faults.plan({ seed: 1, rate: 0, poisoned: [POISONED] });
    await sway.queue.send(queues.interactions.name, bodies);
    await sway.startConsumers();

    const failing = await settled(POISONED_AT.length);
    expect(failing.interactions).toBe(good);
    const deadLetters = await sway.queue.deadLetters(queues.interactions.name);
    expect(deadLetters.map((letter) => letter.receiveCount)).toEqual([5, 5]);
    expect(deadLetters.map((letter) => letter.body).sort()).toEqual(POISONED_AT.map((i) => bodies[i]!).sort());
    expect(sway.failedDeliveries).toEqual({ redelivered: 4 * deadLetters.length, deadLettered: deadLetters.length });

    // The cause is fixed; an operator redrives.
    sway.faults.plan(null);
    const redriven = await runSway(['--url', http.url, '--json', 'redrive', '--queue', 'interactions'], { env: { SWAY_ADMIN_TOKEN: IN_PROCESS_ADMIN_TOKEN } });
    expect(redriven.stderr).toBe('');
    expect(redriven.exitCode).toBe(0);
    expect(JSON.parse(redriven.stdout)).toEqual({ queues: [{ queue: 'interactions', status: 'moved', messages: POISONED_AT.length }] });

    const healed = await settled(0);
    expect(healed.interactions).toBe(good + POISONED_AT.length);
    expect(await sway.store.appliedInteractions(poisoned.map(({ network, id }) => ({ network, id })))).toEqual(new Set(poisoned.map(({ id }) => `x:${id}`)));
    console.log(
      `poison: ${POISONED_AT.length} of ${MESSAGES} messages dead-lettered after 5 receives each (${sway.faults.counts.serverErrors} injected failures), ${good} interactions of their batches applied; sway redrive moved ${POISONED_AT.length} back, all applied`,
    );
  });

  it('dead-letters a message the apply step cannot read instead of losing it, and applies the rest of its batch', async () => {
    const before = (await stats()).interactions;
    const unreadable = ['{"interactions": "not a list"}', 'not json at all'];
    const readable = [message(engagements('author-beside-unreadable', 3, 'like', ['poison'])), message(engagements('author-after-unreadable', 2, 'like', ['poison']))];
    await sway.queue.send(queues.interactions.name, [readable[0]!, ...unreadable, readable[1]!]);

    const after = await settled(unreadable.length);
    expect(after.interactions).toBe(before + 5);
    const deadLetters = await sway.queue.deadLetters(queues.interactions.name);
    expect(deadLetters.map((letter) => letter.body).sort()).toEqual([...unreadable].sort());
    expect(deadLetters.map((letter) => letter.receiveCount)).toEqual([5, 5]);
  });

  it('answers a redrive with nothing to move, and refuses a queue it does not know', async () => {
    const all = await sway.admin('POST', '/v1/admin/redrive');
    expect(all.status).toBe(202);
    expect(JSON.parse(all.body)).toEqual({
      queues: [
        { queue: 'interactions', status: 'moved', messages: expect.any(Number) },
        { queue: 'recompute-requests', status: 'moved', messages: 0 },
      ],
    });
    const unknown = await sway.admin('POST', '/v1/admin/redrive', '{"queue":"mail"}');
    expect(unknown.status).toBe(400);
    expect(unknown.headers['content-type']).toBe('application/problem+json');
  });
});
