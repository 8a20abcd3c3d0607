/**
 * The process's scratch folder in the OS temporary directory: DuckDB's spill files and the work
 * files of the log writer and the recompute units go under it, and it is removed when the process
 * exits. A process that is killed (a Lambda timeout or out-of-memory, `kill -9`) never gets there,
 * and in Lambda its sandbox's /tmp outlives it: the next invocation there, perhaps a runtime with the
 * same pid, would start with a dead invocation's spill in the space its own needs. So the first
 * use in a process removes the scratch folders that dead processes left.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'sway-scratch-';
const NAMED = new RegExp(`^${PREFIX}(\\d+)-`);
const MADE = Symbol.for('sway.scratchFolders');

/**
 * The scratch folders, among `names` in the temporary directory, that no live process owns. One
 * named with this process's pid is a dead one's: this process has not made its own yet (Sway runs
 * no worker threads, which would share the pid). A pid that another process took since is kept.
 */
export const leftScratchFolders = (names: readonly string[], ownPid: number, isAlive: (pid: number) => boolean): string[] =>
  names.filter((name) => {
    const pid = Number(NAMED.exec(name)?.[1]);
    return Number.isInteger(pid) && pid > 0 && (pid === ownPid || !isAlive(pid));
  });

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * The folders this process made, by temporary directory: held by the process, not this module,
 * since a process can load the module more than once (a test's fresh module registry) and each
 * load must find the folder, not take it for a dead process's.
 */
const processWide = globalThis as { [MADE]?: Map<string, string> };
processWide[MADE] ??= new Map();
const made = processWide[MADE];

/** This process's scratch folder, made on first use (after removing what dead processes left). */
export const scratchFolder = (): string => {
  const temporary = tmpdir();
  const existing = made.get(temporary);
  if (existing) return existing;
  for (const name of leftScratchFolders(readdirSync(temporary), process.pid, isAlive)) {
    try {
      rmSync(join(temporary, name), { recursive: true, force: true });
    } catch {
      // Best effort: one that cannot go (another user's, on a shared machine) must not stop this process's work.
    }
  }
  const folder = mkdtempSync(join(temporary, `${PREFIX}${process.pid}-`));
  process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  made.set(temporary, folder);
  return folder;
};

/** A new folder of its own in the scratch folder: `prefix` and a random suffix. */
export const scratchDirectory = (prefix: string): Promise<string> => mkdtemp(join(scratchFolder(), prefix));

/** A folder of the scratch folder by name, made if missing (DuckDB's spill folder). */
export const namedScratchDirectory = (name: string): string => {
  const path = join(scratchFolder(), name);
  mkdirSync(path, { recursive: true });
  return path;
};
