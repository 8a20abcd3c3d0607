import { Presets, SingleBar } from 'cli-progress';

export interface ImportCounts {
  sent: number;
  rejected: number;
}

export interface ImportProgress {
  /** `bytes` more of the input are done with (sent, rejected or skipped). */
  advance(bytes: number, counts: ImportCounts): void;
  stop(): void;
}

const silentProgress: ImportProgress = { advance: () => {}, stop: () => {} };

/**
 * A progress bar over the bytes of the input file; for stdin, whose size is unknown, a running count.
 * Only for a terminal: redirected stderr stays free of control sequences.
 */
export const createImportProgress = (stream: NodeJS.WritableStream & { isTTY?: boolean }, totalBytes: number | undefined, enabled: boolean): ImportProgress => {
  if (!enabled || !stream.isTTY) return silentProgress;
  const counts = '{sent} sent | {rejected} rejected';
  const bar = new SingleBar(
    {
      stream,
      format: totalBytes === undefined ? `importing | ${counts}` : `importing [{bar}] {percentage}% | ${counts} | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  let done = 0;
  bar.start(totalBytes ?? 0, 0, { sent: 0, rejected: 0 });
  return {
    advance: (bytes, current) => {
      done += bytes;
      bar.update(totalBytes === undefined ? 0 : Math.min(done, totalBytes), current);
    },
    stop: () => bar.stop(),
  };
};
