/**
 * The object store behind the interaction log and the recompute's state: S3 in AWS, a folder on one
 * machine. DuckDB reads and writes local files, so the port speaks in files: `localPaths` gives
 * files holding objects (the folder's own, or S3 objects downloaded into a scratch folder) and
 * `putFile` publishes a file DuckDB wrote.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

export interface ObjectStore {
  /** Publishes `file` under `key`, whole or not at all; the same key again replaces it. */
  putFile(key: string, file: string): Promise<void>;
  put(key: string, body: Uint8Array | string): Promise<void>;
  get(key: string): Promise<Uint8Array | null>;
  /** Every key under `prefix`, in key order. */
  list(prefix: string): Promise<string[]>;
  delete(keys: readonly string[]): Promise<void>;
  /**
   * Local files holding these objects, in the same order. An object that does not exist throws
   * MissingObjectError — state a manifest names must be there — unless `missing` is 'skip' (log
   * objects listed earlier, which a purge may have emptied and deleted since).
   */
  localPaths(keys: readonly string[], options?: { missing?: 'throw' | 'skip' }): Promise<string[]>;
  /** Lets go of the local copies `localPaths` made of objects that change (in AWS: between invocations). */
  releaseLocalCopies(): Promise<void>;
}

export class MissingObjectError extends Error {
  constructor(readonly key: string) {
    super(`no object ${key}`);
    this.name = 'MissingObjectError';
  }
}

/** Keys are paths of `/`-separated segments without `.` or `..`: checked, so no key reaches outside the folder. */
const checkedKey = (key: string): string => {
  if (!/^[A-Za-z0-9=._*~-]+(\/[A-Za-z0-9=._*~-]+)*$/.test(key) || key.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new Error(`not an object key: ${key}`);
  }
  return key;
};

/** The folder store of `npm start` (`SWAY_DATA_DIR/log`, or a temporary folder with `--in-memory`). */
export class FolderObjectStore implements ObjectStore {
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    return join(this.root, ...checkedKey(key).split('/'));
  }

  async putFile(key: string, file: string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    // Copied beside the target, then renamed over it: a reader sees the old object or the new one.
    const partial = `${target}.${randomUUID()}.partial`;
    await copyFile(file, partial);
    await rename(partial, target);
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const partial = `${target}.${randomUUID()}.partial`;
    await writeFile(partial, body);
    await rename(partial, target);
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const walk = async (directory: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(directory, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries) {
        const path = join(directory, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (!entry.name.endsWith('.partial')) {
          const key = relative(this.root, path).split(sep).join('/');
          if (key.startsWith(prefix)) keys.push(key);
        }
      }
    };
    // Walk only the folder the prefix names, not the whole store.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    await walk(folder ? this.pathOf(folder) : this.root);
    return keys.sort();
  }

  async delete(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.pathOf(key), { force: true })));
  }

  async localPaths(keys: readonly string[], { missing = 'throw' }: { missing?: 'throw' | 'skip' } = {}): Promise<string[]> {
    const paths: string[] = [];
    for (const key of keys) {
      const path = this.pathOf(key);
      try {
        await stat(path);
        paths.push(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        if (missing === 'throw') throw new MissingObjectError(key);
      }
    }
    return paths;
  }

  /** The folder's own files are the objects: there are no copies. */
  async releaseLocalCopies(): Promise<void> {}
}
