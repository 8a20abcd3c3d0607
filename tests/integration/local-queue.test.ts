import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalQueue } from '../../lib/dev/local-queue';

let queue: LocalQueue;
let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'sway-queue-'));
  queue = new LocalQueue(folder);
});

describe('the local queue in a folder', () => {
  it('hides a received message until its visibility timeout ends', async () => {
    await queue.send('interactions', ['first', 'second']);
    const received = await queue.receive('interactions', 10, 60);
    expect(received.map((message) => message.body)).toEqual(['first', 'second']);
    expect(received.every((message) => message.receiveCount === 1)).toBe(true);
    expect(await queue.receive('interactions', 10, 60)).toEqual([]);
    expect(await queue.depth('interactions')).toEqual({ pending: 2, deadLetters: 0 });

    await queue.deleteMessages(
      'interactions',
      received.map((message) => message.messageId),
    );
    expect(await queue.depth('interactions')).toEqual({ pending: 0, deadLetters: 0 });
  });

  it('makes in-flight messages visible again when a new consumer starts after a crash', async () => {
    await queue.send('recompute-requests', ['run-1']);
    expect(await queue.receive('recompute-requests', 1, 900)).toHaveLength(1);
    expect(await queue.receive('recompute-requests', 1, 900)).toHaveLength(0);

    await queue.releaseInFlight('recompute-requests');
    const again = await queue.receive('recompute-requests', 1, 900);
    expect(again.map((message) => [message.body, message.receiveCount])).toEqual([['run-1', 2]]);
    await queue.deleteMessages(
      'recompute-requests',
      again.map((message) => message.messageId),
    );
  });

  it('dead-letters a message after its last allowed receive, and redrives it', async () => {
    await queue.send('interactions', ['bad']);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await queue.releaseInFlight('interactions');
      const [message] = await queue.receive('interactions', 1, 60);
      expect(message?.receiveCount).toBe(attempt);
      expect(await queue.fail('interactions', message!, 3)).toBe(attempt < 3 ? 'retry' : 'dead-letter');
    }
    expect(await queue.depth('interactions')).toEqual({ pending: 0, deadLetters: 1 });
    expect((await queue.deadLetters('interactions')).map((message) => message.body)).toEqual(['bad']);

    expect(await queue.redrive('interactions')).toEqual({ queue: 'interactions', status: 'moved', messages: 1 });
    expect(await queue.depth('interactions')).toEqual({ pending: 1, deadLetters: 0 });
    const [redriven] = await queue.receive('interactions', 1, 60);
    expect(redriven?.receiveCount).toBe(1);
  });

  it('never delivers a message whose file was not completely written', async () => {
    mkdirSync(join(folder, 'recompute-requests'), { recursive: true });
    writeFileSync(join(folder, 'recompute-requests', `${Date.now().toString(36)}-0000-torn.0.0.partial`), 'half a bo');
    expect(await queue.receive('recompute-requests', 10, 60)).toEqual([]);
    expect(await queue.depth('recompute-requests')).toEqual({ pending: 0, deadLetters: 0 });
  });

  it('gives a message to one receiver only, however many share the folder', async () => {
    await queue.send('recompute-requests', ['run-shared']);
    const others = Array.from({ length: 8 }, () => new LocalQueue(folder));
    const received = (await Promise.all([queue, ...others].map((receiver) => receiver.receive('recompute-requests', 10, 60)))).flat();
    expect(received.map((message) => message.body)).toEqual(['run-shared']);
    await queue.deleteMessages('recompute-requests', [received[0]!.messageId]);
  });

  it('keeps everything in the folder: a new process finds the messages, their receive counts and dead letters', async () => {
    const own = mkdtempSync(join(tmpdir(), 'sway-queue-'));
    const before = new LocalQueue(own);
    await before.send('interactions', ['poison', 'kept']);
    const [poison, first] = await before.receive('interactions', 2, 900);
    expect(await before.fail('interactions', poison!, 1)).toBe('dead-letter');
    expect(first?.receiveCount).toBe(1);

    const restarted = new LocalQueue(own);
    expect(await restarted.depth('interactions')).toEqual({ pending: 1, deadLetters: 1 });
    await restarted.releaseInFlight('interactions');
    const [again] = await restarted.receive('interactions', 1, 60);
    expect([again?.body, again?.receiveCount, again?.sentAt]).toEqual(['kept', 2, first?.sentAt]);
    await restarted.deleteMessages('interactions', [again!.messageId]);
    expect(readdirSync(join(own, 'interactions'))).toEqual([]);
    expect((await restarted.deadLetters('interactions')).map((message) => message.body)).toEqual(['poison']);
  });

  it('receives what another instance sent, and deletes what another received again since', async () => {
    const own = mkdtempSync(join(tmpdir(), 'sway-queue-'));
    const consumer = new LocalQueue(own);
    const producer = new LocalQueue(own);
    expect(await consumer.receive('interactions', 10, 60)).toEqual([]);
    await producer.send('interactions', ['from-the-producer']);
    const [first] = await consumer.receive('interactions', 10, 0);
    expect(first?.body).toBe('from-the-producer');

    // Its visibility timeout over, another instance receives it; the first one's delete still removes it.
    const [again] = await producer.receive('interactions', 10, 60);
    expect(again?.receiveCount).toBe(2);
    await consumer.deleteMessages('interactions', [first!.messageId]);
    expect(await producer.depth('interactions')).toEqual({ pending: 0, deadLetters: 0 });
  });
});
