import { GetQueueAttributesCommand, StartMessageMoveTaskCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SqsQueue } from '../../lib/queue/sqs-queue';

const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/interactions-dlq';
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:123456789012:interactions-dlq';

/** An SQS client that answers GetQueueAttributes with `messages` dead letters and records what it was sent. */
const fakeSqs = (messages: number) => {
  const sent: unknown[] = [];
  const client = {
    send: vi.fn(async (command: unknown) => {
      sent.push(command);
      if (command instanceof GetQueueAttributesCommand) return { Attributes: { QueueArn: DLQ_ARN, ApproximateNumberOfMessages: String(messages) } };
      if (command instanceof StartMessageMoveTaskCommand) return { TaskHandle: 'task-handle-1' };
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
    expect((sent[1] as StartMessageMoveTaskCommand).input).toEqual({ SourceArn: DLQ_ARN });
  });

  it('starts nothing for an empty dead-letter queue', async () => {
    vi.stubEnv('SWAY_DLQ_URL_INTERACTIONS', DLQ_URL);
    const { client, sent } = fakeSqs(0);
    expect(await new SqsQueue(client).redrive('interactions')).toEqual({ queue: 'interactions', status: 'moved', messages: 0 });
    expect(sent).toHaveLength(1);
  });
});
