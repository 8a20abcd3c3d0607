import { beforeAll, describe, expect, it } from 'vitest';
import { LocalQueue } from '../../lib/dev/local-queue';
import { isolatedTables } from '../support/isolated-tables';

let queue: LocalQueue;

beforeAll(async () => {
  const { db, queueTable } = await isolatedTables();
  queue = new LocalQueue(db, queueTable);
});

describe('the local queue on DynamoDB Local', () => {
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
});
