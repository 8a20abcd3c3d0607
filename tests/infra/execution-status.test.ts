/**
 * The adapter behind start-recompute's and get-run's Step Functions grants: the execution it
 * starts is named by the run id, and the one it describes is that run's, of that state machine.
 */
import { DescribeExecutionCommand, ExecutionDoesNotExist, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { executionArn, executionStatus, startExecution, type StepFunctionsClient } from '../../lib/app/recompute/execution-status';

const stateMachineArn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:RecomputeStateMachine29E57507-AbCdEf';
const runId = '3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

const fakeClient = (answer: (command: unknown) => unknown): StepFunctionsClient & { sent: unknown[] } => {
  const sent: unknown[] = [];
  return {
    sent,
    send: async (command) => {
      sent.push(command);
      return answer(command);
    },
  };
};

describe('recompute executions', () => {
  it('names the execution of a run after the state machine and the run id', () => {
    expect(executionArn(stateMachineArn, runId)).toBe(`arn:aws:states:eu-west-1:123456789012:execution:RecomputeStateMachine29E57507-AbCdEf:${runId}`);
    expect(executionArn('arn:aws-cn:states:cn-north-1:123456789012:stateMachine:M', 'r')).toBe('arn:aws-cn:states:cn-north-1:123456789012:execution:M:r');
    expect(() => executionArn('arn:aws:lambda:eu-west-1:123456789012:function:f', runId)).toThrow(/not a Step Functions state machine ARN/);
  });

  it.each([
    ['RUNNING', 'running'],
    ['PENDING_REDRIVE', 'running'],
    ['SUCCEEDED', 'succeeded'],
    ['FAILED', 'failed'],
    ['TIMED_OUT', 'failed'],
    ['ABORTED', 'failed'],
  ])('reads an execution %s as a run %s', async (status, expected) => {
    const client = fakeClient(() => ({ status }));
    await expect(executionStatus(stateMachineArn, runId, client)).resolves.toBe(expected);
    expect(client.sent).toHaveLength(1);
    expect(client.sent[0]).toBeInstanceOf(DescribeExecutionCommand);
    expect((client.sent[0] as DescribeExecutionCommand).input).toEqual({ executionArn: executionArn(stateMachineArn, runId) });
  });

  it('answers unknown for a run with no execution, and lets other errors through', async () => {
    const missing = fakeClient(() => {
      throw new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} });
    });
    await expect(executionStatus(stateMachineArn, runId, missing)).resolves.toBe('unknown');
    const throttled = fakeClient(() => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    });
    await expect(executionStatus(stateMachineArn, runId, throttled)).rejects.toThrow(/Rate exceeded/);
  });

  it('starts a run as an execution named by the run id, with its input', async () => {
    const client = fakeClient(() => ({ executionArn: executionArn(stateMachineArn, runId), startDate: new Date() }));
    await expect(startExecution(stateMachineArn, runId, { trigger: 'api' }, client)).resolves.toBe(executionArn(stateMachineArn, runId));
    expect(client.sent[0]).toBeInstanceOf(StartExecutionCommand);
    expect((client.sent[0] as StartExecutionCommand).input).toEqual({ stateMachineArn, name: runId, input: '{"trigger":"api"}' });
  });
});
