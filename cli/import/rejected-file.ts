import { open, rm, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RejectedLine } from './batches';

export const STDIN_REJECTED_FILE = 'sway-import.rejected.jsonl';

/** `FILE.rejected.jsonl` next to the input; for stdin, `sway-import.rejected.jsonl` in the working directory. */
export const rejectedFilePath = (file: string, cwd: string): string => resolve(cwd, file === '-' ? STDIN_REJECTED_FILE : `${file}.rejected.jsonl`);

export const rejectedLineRecord = (rejected: RejectedLine): string =>
  `${JSON.stringify({ line: rejected.line, reason: rejected.reason, input: rejected.input })}\n`;

/**
 * The rejected lines of one import. A file left by an earlier import of the same input is removed
 * first, so the file always describes the latest run; it is only created when a line is rejected.
 */
export class RejectedFile {
  private handle: Promise<FileHandle> | undefined;
  private writes: Promise<unknown> = Promise.resolve();
  count = 0;

  private constructor(readonly path: string) {}

  static async replace(path: string): Promise<RejectedFile> {
    await rm(path, { force: true });
    return new RejectedFile(path);
  }

  write(lines: RejectedLine[]): Promise<unknown> {
    if (!lines.length) return this.writes;
    this.count += lines.length;
    this.handle ??= open(this.path, 'w');
    const text = lines.map(rejectedLineRecord).join('');
    const handle = this.handle;
    this.writes = this.writes.then(async () => (await handle).write(text));
    return this.writes;
  }

  async close(): Promise<void> {
    await this.writes;
    if (this.handle) await (await this.handle).close();
  }
}
