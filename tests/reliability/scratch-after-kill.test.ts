/**
 * What a killed process leaves in the temporary directory: a process killed with `kill -9` while
 * DuckDB spills leaves its scratch folder, as a Lambda invocation that times out leaves it in its
 * sandbox's /tmp. The next process's first use of its own removes it, and keeps a live process's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for';

const script = resolve(__dirname, '../support/spilling-process.ts');
const temporary = mkdtempSync(join(tmpdir(), 'scratch-after-kill-'));
const children: ChildProcess[] = [];

/** Starts the spilling process in `temporary`; answers it with the scratch folder it printed. */
const start = async (...args: string[]): Promise<{ child: ChildProcess; folder: string }> => {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, TMPDIR: temporary },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const folder = await waitFor('the scratch folder', async () => output.split('\n').find((line) => line.startsWith(temporary)), 60_000);
  return { child, folder };
};

const exited = (child: ChildProcess) =>
  new Promise<void>((resolveExit) => (child.exitCode !== null || child.signalCode !== null ? resolveExit() : child.once('exit', () => resolveExit())));

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map(exited));
  rmSync(temporary, { recursive: true, force: true });
});

describe('the scratch folder of a killed process', () => {
  it('is removed by the next process, and a live one’s is kept', async () => {
    const killed = await start();
    const spill = join(killed.folder, 'duckdb');
    await waitFor('DuckDB to spill', async () => (existsSync(spill) && readdirSync(spill).length > 0) || undefined, 60_000);
    killed.child.kill('SIGKILL');
    await exited(killed.child);
    expect(readdirSync(spill).length).toBeGreaterThan(0);

    // The next process to make its scratch folder removes the killed one's.
    const live = await start();
    expect(existsSync(killed.folder)).toBe(false);
    expect(existsSync(live.folder)).toBe(true);

    // And keeps a live process's; its own goes when it exits.
    const next = await start('exit');
    await exited(next.child);
    expect(next.child.exitCode).toBe(0);
    expect(existsSync(live.folder)).toBe(true);
    expect(existsSync(next.folder)).toBe(false);
  });
});
