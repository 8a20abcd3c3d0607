/**
 * The recompute runs as Step Functions executions (AWS only): each run is one execution of the
 * recompute state machine, named by the run id. `start-recompute` starts one; `get-run` reads a
 * run's status from its execution.
 */
import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient, StartExecutionCommand, type ExecutionStatus } from '@aws-sdk/client-sfn';
import type { PrepareInput } from './units';

export type RunExecutionStatus = 'running' | 'succeeded' | 'failed' | 'unknown';

/** What `executionStatus` and `startExecution` need of the SDK client (a fake in tests). */
export interface StepFunctionsClient {
  send(command: DescribeExecutionCommand | StartExecutionCommand): Promise<unknown>;
}

let defaultClient: SFNClient | undefined;
const sfnClient = (): SFNClient => (defaultClient ??= new SFNClient({}));

/**
 * The ARN of the execution named `runId`:
 * `arn:<partition>:states:<region>:<account>:stateMachine:<name>` →
 * `arn:<partition>:states:<region>:<account>:execution:<name>:<runId>`.
 */
export const executionArn = (stateMachineArn: string, runId: string): string => {
  const parts = stateMachineArn.split(':');
  if (parts.length !== 7 || parts[0] !== 'arn' || parts[2] !== 'states' || parts[5] !== 'stateMachine' || !parts[6]) {
    throw new Error(`not a Step Functions state machine ARN: ${stateMachineArn}`);
  }
  return [...parts.slice(0, 5), 'execution', parts[6], runId].join(':');
};

const runStatusOf: Record<ExecutionStatus, RunExecutionStatus> = {
  RUNNING: 'running',
  // A failed execution an operator redrives runs again from where it failed.
  PENDING_REDRIVE: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  TIMED_OUT: 'failed',
  ABORTED: 'failed',
};

/** The status of run `runId` as its execution tells it; `unknown` when there is no such execution. */
export async function executionStatus(stateMachineArn: string, runId: string, client: StepFunctionsClient = sfnClient()): Promise<RunExecutionStatus> {
  try {
    const answer = (await client.send(new DescribeExecutionCommand({ executionArn: executionArn(stateMachineArn, runId) }))) as {
      status?: ExecutionStatus;
    };
    return (answer.status && runStatusOf[answer.status]) || 'unknown';
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist || (error as { name?: string }).name === 'ExecutionDoesNotExist') return 'unknown';
    throw error;
  }
}

/**
 * Starts run `runId`: an execution of the recompute state machine named `runId` (the name is what
 * the state machine hands prepare as the run id). Starting the same run with the same input again
 * while it runs is a no-op (Step Functions' own idempotency). Answers the execution's ARN.
 */
export async function startExecution(
  stateMachineArn: string,
  runId: string,
  input: Pick<PrepareInput, 'trigger'>,
  client: StepFunctionsClient = sfnClient(),
): Promise<string> {
  const answer = (await client.send(new StartExecutionCommand({ stateMachineArn, name: runId, input: JSON.stringify(input) }))) as {
    executionArn?: string;
  };
  return answer.executionArn ?? executionArn(stateMachineArn, runId);
}
