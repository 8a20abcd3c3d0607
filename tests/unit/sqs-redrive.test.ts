import { GetQueueAttributesCommand, ListMessageMoveTasksCommand, StartMessageMoveTaskCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SqsQueue } from '../../lib/adapters/queue/sqs-queue';

const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/interactions-dlq';
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:123456789012:interactions-dlq';

const RUNNING_TASK = { TaskHandle: 'task-handle-0', Status: 'RUNNING', SourceArn: DLQ_ARN, ApproximateNumberOfMessagesToMove: 12 };

/**
 * An SQS client that answers GetQueueAttributes with `messages` dead letters, lists `tasks` (most
 * recent first), and records what it was sent. `startFails`: another task started meanwhile.
 */
const fakeSqs = (messages: number, { tasks = [] as object[][], startFails = false } = {}) => {
  const sent: unknown[] = [];
  let lists = 0;
  const client = {
    send: vi.fn(async (command: unknown) => {
      sent.push(command);
      if (command instanceof GetQueueAttributesCommand) return { Attributes: { QueueArn: DLQ_ARN, ApproximateNumberOfMessages: String(messages) } };
      if (command instanceof ListMessageMoveTasksCommand) return { Results: tasks[lists++] ?? [] };
      if (command instanceof StartMessageMoveTaskCommand) {
        if (startFails) throw Object.assign(new Error('There is already a task running.'), { name: 'UnsupportedOperation' });
        return { TaskHandle: 'task-handle-1' };
      }
      throw new Error('unexpected command');
    }),
  };
  return { client: client as unknown as SQSClient, sent };
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('SqsQueue.redrive', () => {
  it("starts a message move task from the dead-letter queue back to its source (SQS's default destination)", async () => {
    vi.stubEnv('SWAY_DLQ_URL_INTERACTIONS', DLQ_URL);
    const { client, sent } = fakeSqs(7);
    expect(await new SqsQueue(client).redrive('interactions')).toEqual({ queue: 'interactions', status: 'started', messages: 7, taskHandle: 'task-handle-1' });
    expect((sent[0] as GetQueueAttributesCommand).input).toEqual({ QueueUrl: DLQ_URL, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'] });
    expect((sent[1] as ListMessageMoveTasksCommand).input).toEqual({ SourceArn: DLQ_ARN, MaxResults: 1 });
    expect((sent[2] as StartMessageMoveTaskCommand).input).toEqual({ SourceArn: DLQ_ARN });
  });

  it('starts nothing for an empty dead-letter queue', async () => {
    vi.stubEnv('SWAY_DLQ_URL_INTERACTIONS', DLQ_URL);
    const { client, sent } = fakeSqs(0);
    expect(await new SqsQueue(client).redrive('interactions')).toEqual({ queue: 'interactions', status: 'moved', messages: 0 });
    expect(sent.some((command) => command instanceof StartMessageMoveTaskCommand)).toBe(false);
  });

  it('answers with the task SQS is already running instead of starting a second one', async () => {
    vi.stubEnv('SWAY_DLQ_URL_INTERACTIONS', DLQ_URL);
    const { client, sent } = fakeSqs(5, { tasks: [[RUNNING_TASK]] });
    expect(await new SqsQueue(client).redrive('interactions')).toEqual({ queue: 'interactions', status: 'started', messages: 12, taskHandle: 'task-handle-0' });
    expect(sent.some((command) => command instanceof StartMessageMoveTaskCommand)).toBe(false);
  });

  it('starts a new task once the last one has completed', async () => {
    vi.stubEnv('SWAY_DLQ_URL_INTERACTIONS', DLQ_URL);
    const { client } = fakeSqs(3, { tasks: [[{ ...RUNNING_TASK, Status: 'COMPLETED' }]] });
    expect(await new SqsQueue(client).redrive('interactions')).toMatchObject({ status: 'started', messages: 3, taskHandle: 'task-handle-1' });
  });

  it('answers with the task another request started between the check and the start', async () => {
    vi.stubEnv('SWAY_DLQ_URL_INTERACTIONS', DLQ_URL);
    const { client } = fakeSqs(5, { tasks: [[], [RUNNING_TASK]], startFails: true });
    expect(await new SqsQueue(client).redrive('interactions')).toMatchObject({ status: 'started', taskHandle: 'task-handle-0' });
  });

  it('passes on a failure to start when no task is running', async () => {
    vi.stubEnv('SWAY_DLQ_URL_INTERACTIONS', DLQ_URL);
    const { client } = fakeSqs(5, { startFails: true });
    await expect(new SqsQueue(client).redrive('interactions')).rejects.toThrow('already a task');
  });
});
