import { GetQueueAttributesCommand, ListMessageMoveTasksCommand, SendMessageBatchCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { queueUrlEnvVar, requireEnv } from '../../wiring/config';
import { awsQueues, type QueueName } from '../../wiring/workers';
import type { MessageQueue, QueueDepth, Redrive } from './message-queue';

const SQS_BATCH_ENTRIES = 10;

export class SqsQueue implements MessageQueue {
  constructor(private readonly sqs: SQSClient = new SQSClient({})) {}

  queueNames(): QueueName[] {
    return awsQueues().map((queue) => queue.name as QueueName);
  }

  async send(queue: QueueName, bodies: string[]): Promise<void> {
    const queueUrl = requireEnv(queueUrlEnvVar(queue));
    for (let start = 0; start < bodies.length; start += SQS_BATCH_ENTRIES) {
      let entries = bodies.slice(start, start + SQS_BATCH_ENTRIES).map((body, i) => ({ Id: String(i), MessageBody: body }));
      for (let attempt = 0; entries.length > 0; attempt++) {
        const result = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        const failedIds = new Set((result.Failed ?? []).map((failure) => failure.Id));
        if (failedIds.size === 0) break;
        if (attempt >= 4) throw new Error(`SQS refused ${failedIds.size} messages`);
        entries = entries.filter((entry) => failedIds.has(entry.Id));
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
  }

  async depth(queue: QueueName): Promise<QueueDepth> {
    const count = async (
      url: string,
      names: ('ApproximateNumberOfMessages' | 'ApproximateNumberOfMessagesNotVisible' | 'ApproximateNumberOfMessagesDelayed')[],
    ) => {
      const { Attributes = {} } = await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names }));
      return names.reduce((sum, name) => sum + Number(Attributes[name] ?? 0), 0);
    };
    const [pending, deadLetters] = await Promise.all([
      count(requireEnv(queueUrlEnvVar(queue)), ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed']),
      count(requireEnv(queueUrlEnvVar(queue, true)), ['ApproximateNumberOfMessages']),
    ]);
    return { pending, deadLetters };
  }

  /**
   * SQS's own redrive: a message move task from the dead-letter queue back to the queue whose
   * failures it holds (no destination given), carried out by SQS in the background. SQS runs one
   * task per queue at a time: while one runs, that one is the answer (a second request is not an error).
   */
  async redrive(queue: QueueName): Promise<Redrive> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: requireEnv(queueUrlEnvVar(queue, true)), AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'] }),
    );
    const sourceArn = Attributes.QueueArn;
    const messages = Number(Attributes.ApproximateNumberOfMessages ?? 0);
    const running = async (): Promise<Redrive | null> => {
      const { Results = [] } = await this.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 }));
      const task = Results[0];
      if (task?.Status !== 'RUNNING') return null;
      return { queue, status: 'started', messages: Number(task.ApproximateNumberOfMessagesToMove ?? messages), taskHandle: task.TaskHandle ?? '' };
    };
    const alreadyRunning = await running();
    if (alreadyRunning) return alreadyRunning;
    if (messages === 0) return { queue, status: 'moved', messages: 0 };
    try {
      const { TaskHandle } = await this.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn }));
      return { queue, status: 'started', messages, taskHandle: TaskHandle ?? '' };
    } catch (error) {
      // Another request started one between the check and the start.
      const startedMeanwhile = await running();
      if (startedMeanwhile) return startedMeanwhile;
      throw error;
    }
  }
}
