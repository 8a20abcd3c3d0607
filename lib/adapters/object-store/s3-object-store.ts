import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { createHash, randomUUID } from 'node:crypto';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { MissingObjectError, type ObjectStore } from './object-store';

const DOWNLOADS_IN_FLIGHT = 16;
const DELETE_BATCH = 1000;
/** What a run writes under here gets a new key each time: a copy never goes stale. */
const STATE_PREFIX = 'state/';
/** State files a warm function keeps in /tmp between invocations (Lambda gives the recompute units 10 GB). */
const KEPT_STATE_BYTES = 4 * 1024 ** 3;

const isMissing = (error: unknown): boolean => error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey';

/** The object store in AWS: one bucket; objects DuckDB reads are downloaded into the function's /tmp. */
export class S3ObjectStore implements ObjectStore {
  private readonly kept = join(tmpdir(), 'sway-objects', 'state');
  private readonly transient = join(tmpdir(), 'sway-objects', 'transient');

  constructor(
    private readonly bucket: string,
    private readonly s3 = new S3Client({}),
  ) {}

  async putFile(key: string, file: string): Promise<void> {
    const { size } = await stat(file);
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: createReadStream(file), ContentLength: size }));
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body }));
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Body ? await Body.transformToByteArray() : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys.slice(start, start + DELETE_BATCH);
      await this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
    }
  }

  /**
   * Downloads into /tmp. State files are never rewritten under the same key (a run writes new ones
   * under its version), so a warm function keeps them and downloads only what is new; copies of
   * other objects (log objects, which a purge rewrites) last until `releaseLocalCopies`.
   */
  async localPaths(keys: readonly string[], { missing = 'throw' }: { missing?: 'throw' | 'skip' } = {}): Promise<string[]> {
    const paths: (string | null)[] = new Array(keys.length).fill(null);
    let next = 0;
    const worker = async () => {
      for (let index = next++; index < keys.length; index = next++) {
        const key = keys[index]!;
        const kept = key.startsWith(STATE_PREFIX);
        const path = join(kept ? this.kept : this.transient, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.parquet`);
        if (kept && (await exists(path))) {
          paths[index] = path;
          continue;
        }
        try {
          const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
          const partial = `${path}.${randomUUID()}`;
          await pipeline(Body as Readable, createWriteStream(partial));
          await rename(partial, path);
          paths[index] = path;
        } catch (error) {
          if (!isMissing(error)) throw error;
          if (missing === 'throw') throw new MissingObjectError(key);
        }
      }
    };
    await mkdir(this.kept, { recursive: true });
    await mkdir(this.transient, { recursive: true });
    await Promise.all(Array.from({ length: Math.min(DOWNLOADS_IN_FLIGHT, keys.length) }, worker));
    return paths.filter((path): path is string => path !== null);
  }

  async releaseLocalCopies(): Promise<void> {
    await rm(this.transient, { recursive: true, force: true });
    // Kept state past its budget: the oldest go first (a run reads the newest).
    const files = await Promise.all(
      (await readdir(this.kept).catch(() => [] as string[])).map(async (name) => ({ name, ...(await stat(join(this.kept, name))) })),
    );
    let total = files.reduce((sum, file) => sum + file.size, 0);
    for (const file of files.sort((a, b) => a.mtimeMs - b.mtimeMs)) {
      if (total <= KEPT_STATE_BYTES) break;
      await rm(join(this.kept, file.name), { force: true });
      total -= file.size;
    }
  }
}

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );
