/**
 * Items that always fail never block their batch: the rest of the batch is applied (partial batch
 * responses) and written to the log, they end in the dead-letter store after the retry limit, and
 * once the cause is fixed `sway redrive` puts them back and they are applied — exactly once in the
 * log, scored after the next recompute, nothing acknowledged lost. Each test has a service of its own.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Interaction } from '../../lib/domain/interactions/schema';
import { QueuedInteractionsSchema } from '../../lib/domain/interactions/queued';
import { logObjectKeyOf } from '../../lib/app/log/apply-to-log';
import { queues } from '../../lib/wiring/workers';
import { injectObjectStoreFaults } from '../support/fault-injection';
import { runSway } from '../unit/cli/run-sway';
import { IN_PROCESS_ADMIN_TOKEN, startInProcessSway, type InProcessSway } from '../support/in-process-sway';
import { engagements, interaction } from '../support/interactions';
import { copiesInLog, logRows } from '../support/observed-state';

const MESSAGES = 30;
const FANS = 4;
const TOPIC = 'poison';
/** Every DynamoDB call that mentions this fails until the fault is lifted: its message always fails. */
const POISONED = 'poisoned-';

let sway: InProcessSway;
beforeEach(async () => {
  // The local consumer reports batches in which every message failed; here that is the point.
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  sway = await startInProcessSway();
  await sway.startConsumers();
});
afterEach(async () => {
  await sway.stopConsumers();
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
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const message = (interactions: Interaction[]) => JSON.stringify({ receivedAt: new Date().toISOString(), interactions });
const refs = (interactions: Interaction[]) => interactions.map(({ network, id }) => ({ network, id }));
const keysOf = (interactions: Interaction[]) => interactions.map(({ network, id }) => `${network}:${id}`).sort();
/** How often each interaction is in the log (absent: 0). */
const inLog = async (interactions: Interaction[]) => {
  const copies = copiesInLog(await logRows(sway.objects));
  return Object.fromEntries(interactions.map(({ network, id }) => [`${network}:${id}`, copies.get(`${network}:${id}`)?.rows ?? 0]));
};
const times = (interactions: Interaction[], count: number) => Object.fromEntries(keysOf(interactions).map((key) => [key, count]));
const explanation = async (id: string) => {
  const answer = await sway.request({ method: 'GET', url: `/v1/accounts/x/${id}/explain?topic=${TOPIC}` });
  return answer.status === 200 ? (JSON.parse(answer.body) as { topEngagers: { id: string; interactions: number }[] }) : answer.status;
};

describe('poison messages', () => {
  it('dead-letters what always fails after 5 receives, applies the rest of each batch, and redrives once fixed', async () => {
    // One fails when its log object is written (nothing before it names the message's accounts: the
    // opt-outs are read as a list), one after it (the mark of its id): both always, until the fault is lifted.
    const beforeLog = interaction({ type: 'reply', id: 'reply-before-log', actor: { id: 'stuck-actor' }, target: { id: 'healed' }, topics: [TOPIC] });
    const afterLog = interaction({ type: 'reply', id: `${POISONED}reply-after-log`, actor: { id: 'patient' }, target: { id: 'healed' }, topics: [TOPIC] });
    const poisonedAt = new Map([
      [3, beforeLog],
      [17, afterLog],
    ]);
    const good: Interaction[] = [];
    const bodies = Array.from({ length: MESSAGES }, (_, i) => {
      const poisoned = poisonedAt.get(i);
      if (poisoned) return message([poisoned]);
      const fans = engagements(`author-${i}`, FANS, 'like', [TOPIC]);
      good.push(...fans);
      return message(fans);
    });

    sway.faults.plan({ seed: 1, rate: 0, poisoned: [POISONED] });
    const beforeLogKey = logObjectKeyOf(QueuedInteractionsSchema.parse(JSON.parse(bodies[3]!)));
    const objectFaults = injectObjectStoreFaults(sway.objects);
    objectFaults.plan((key) => key === beforeLogKey);
    await sway.queue.send(queues.interactions.name, bodies);
    await settled(poisonedAt.size);

    const deadLetters = await sway.queue.deadLetters(queues.interactions.name);
    expect(deadLetters.map((letter) => letter.receiveCount)).toEqual([5, 5]);
    expect(deadLetters.map((letter) => letter.body).sort()).toEqual([...poisonedAt.keys()].map((i) => bodies[i]!).sort());
    expect(sway.failedDeliveries).toEqual({ redelivered: 4 * deadLetters.length, deadLettered: deadLetters.length });
    // The cause is fixed (nothing is received again until the redrive).
    expect(objectFaults.failed).toEqual(Array.from({ length: 5 }, () => beforeLogKey));
    sway.faults.plan(null);
    objectFaults.plan(null);
    // The rest of their batches is applied: marked, and in the log once each.
    expect([...(await sway.stores.ingest.appliedInteractions(refs(good)))].sort()).toEqual(keysOf(good));
    expect(await inLog(good)).toEqual(times(good, 1));
    // Neither poisoned interaction is marked; the one that failed before the log is not in it, the
    // one that failed after it is there once, its object rewritten at each of its 5 receives.
    expect(await sway.stores.ingest.appliedInteractions(refs([beforeLog, afterLog]))).toEqual(new Set());
    expect(await inLog([beforeLog, afterLog])).toEqual({ ...times([beforeLog], 0), ...times([afterLog], 1) });

    // An operator redrives.
    const http = await sway.listen();
    try {
      const redriven = await runSway(['--url', http.url, '--json', 'redrive', '--queue', 'interactions'], {
        env: { SWAY_ADMIN_TOKEN: IN_PROCESS_ADMIN_TOKEN },
      });
      expect(redriven.stderr).toBe('');
      expect(redriven.exitCode).toBe(0);
      expect(JSON.parse(redriven.stdout)).toEqual({ queues: [{ queue: 'interactions', status: 'moved', messages: poisonedAt.size }] });
    } finally {
      await http.close();
    }
    await settled(0);
    const all = [...good, beforeLog, afterLog];
    expect([...(await sway.stores.ingest.appliedInteractions(refs(all)))].sort()).toEqual(keysOf(all));
    expect(await inLog(all)).toEqual(times(all, 1));

    // Nothing acknowledged is lost: after a recompute every author counts exactly its engagers.
    await sway.recompute();
    expect((await stats()).interactions).toBe(all.length);
    for (let i = 0; i < MESSAGES; i++) {
      if (poisonedAt.has(i)) continue;
      const explained = await explanation(`author-${i}`);
      expect(explained, `author-${i}`).toMatchObject({ topEngagers: expect.any(Array) });
      expect(
        (explained as { topEngagers: { id: string; interactions: number }[] }).topEngagers.map(({ id, interactions }) => [id, interactions]).sort(),
      ).toEqual(Array.from({ length: FANS }, (_, fan) => [`author-${i}-fan-${fan}`, 1]));
    }
    const healed = await explanation('healed');
    expect((healed as { topEngagers: { id: string; interactions: number }[] }).topEngagers.map(({ id, interactions }) => [id, interactions]).sort()).toEqual([
      ['patient', 1],
      ['stuck-actor', 1],
    ]);
    console.log(
      `poison: ${poisonedAt.size} of ${MESSAGES} messages dead-lettered after 5 receives each (${sway.faults.counts.serverErrors} injected failures; one before its log write, one after), the ${good.length} interactions of the other ${MESSAGES - poisonedAt.size} applied once each; ` +
        `sway redrive moved ${poisonedAt.size} back, both applied, each once in the log; after a recompute every author's explanation counts exactly its engagers`,
    );
  });

  it('dead-letters a message the apply step cannot read instead of losing it, and applies the rest of its batch', async () => {
    const unreadable = ['{"interactions": "not a list"}', 'not json at all'];
    const readable = [engagements('author-beside-unreadable', 3, 'like', [TOPIC]), engagements('author-after-unreadable', 2, 'like', [TOPIC])];
    await sway.queue.send(queues.interactions.name, [message(readable[0]!), ...unreadable, message(readable[1]!)]);

    await settled(unreadable.length);
    const deadLetters = await sway.queue.deadLetters(queues.interactions.name);
    expect(deadLetters.map((letter) => letter.body).sort()).toEqual([...unreadable].sort());
    expect(deadLetters.map((letter) => letter.receiveCount)).toEqual([5, 5]);
    const applied = readable.flat();
    expect([...(await sway.stores.ingest.appliedInteractions(refs(applied)))].sort()).toEqual(keysOf(applied));
    expect(await inLog(applied)).toEqual(times(applied, 1));
    // Nothing else reached the log: the unreadable messages wrote nothing.
    expect((await logRows(sway.objects)).length).toBe(applied.length);
  });

  it('answers a redrive with nothing to move, and refuses a queue it does not know', async () => {
    const all = await sway.admin('POST', '/v1/admin/redrive');
    expect(all.status).toBe(202);
    expect(JSON.parse(all.body)).toEqual({
      queues: [
        { queue: 'interactions', status: 'moved', messages: 0 },
        { queue: 'recompute-requests', status: 'moved', messages: 0 },
      ],
    });
    const unknown = await sway.admin('POST', '/v1/admin/redrive', '{"queue":"mail"}');
    expect(unknown.status).toBe(400);
    expect(unknown.headers['content-type']).toBe('application/problem+json');
  });
});
