/**
 * `POST /v1/admin/redrive` in AWS starts SQS message move tasks: its function gets exactly what SQS
 * requires for that (on each dead-letter queue: start and list tasks, receive, delete, read attributes;
 * on each source queue: send), and nothing it does not use.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { awsQueues } from '../../lib/wiring/workers';
import type { DeployedQueue } from '../../infra/stateful-stack';
import { logicalIdOf, statementsOfRole, synthesisTimeoutMs, synthesizeSway, type SwayFixture } from './sway-app-fixture';

const REDRIVER = 'redrive-dead-letters';
const ON_DEAD_LETTER_QUEUE = ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ListMessageMoveTasks', 'sqs:ReceiveMessage', 'sqs:StartMessageMoveTask'];

let sway: SwayFixture;
beforeAll(() => {
  sway = synthesizeSway();
}, synthesisTimeoutMs);

/** The SQS actions the role allows on the queue with this logical id. */
const sqsActionsOn = (functionName: string, queueLogicalId: string): string[] => {
  const role = logicalIdOf(sway.stateless.functionNamed(functionName).role);
  return statementsOfRole(sway.statelessTemplate, role)
    .filter((statement) => statement.Resource.some((resource) => JSON.stringify(resource).includes(queueLogicalId)))
    .flatMap((statement) => statement.Action.filter((action) => action.startsWith('sqs:')))
    .sort();
};

describe('the redrive function in AWS', () => {
  it('may move messages from every dead-letter queue back to its source queue, and no more', () => {
    const deployed = Object.entries<DeployedQueue>(sway.stateful.queues);
    // Only the queues AWS has (recompute-requests is local-only).
    expect(deployed.map(([name]) => name)).toEqual(awsQueues().map((queue) => queue.name));
    expect(deployed.length).toBeGreaterThan(0);
    for (const [name, { queue, deadLetterQueue }] of deployed) {
      expect(sqsActionsOn(REDRIVER, logicalIdOf(deadLetterQueue)), name).toEqual(ON_DEAD_LETTER_QUEUE);
      expect(sqsActionsOn(REDRIVER, logicalIdOf(queue)), name).toEqual(['sqs:SendMessage']);
    }
  });

  it('is the only function that may start a message move task', () => {
    const others = [...sway.stateless.functions.keys()].filter((name) => name !== REDRIVER);
    for (const { deadLetterQueue } of Object.values<DeployedQueue>(sway.stateful.queues)) {
      for (const name of others) expect(sqsActionsOn(name, logicalIdOf(deadLetterQueue)), name).not.toContain('sqs:StartMessageMoveTask');
    }
  });

  it('may not write to the table', () => {
    const role = logicalIdOf(sway.stateless.functionNamed(REDRIVER).role);
    const actions = statementsOfRole(sway.statelessTemplate, role).flatMap((statement) => statement.Action);
    for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) expect(actions).not.toContain(write);
  });
});
