import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { IngestResultSchema, type IngestResult } from '../../lib/domain/interactions/schema';
import type { Command } from '../command-line';
import { printJson, printText, type CommandContext } from '../command-context';
import { ingestionSecret } from '../credentials';
import { CommandFailedError, SetupError } from '../errors';
import { createImportProgress } from '../format/progress';
import { formatFields } from '../format/table';
import { ProblemError } from '../http-client';
import { BatchAccumulator, batchItem, encodeBatchBody, splitByServerErrors, type Batch, type BatchItem, type RejectedLine } from '../import/batches';
import { RejectedFile, rejectedFilePath } from '../import/rejected-file';
import { readInteractions } from '../input/read-interactions';
import { withRetries, type RetryPolicy } from '../retry';
import { sleep } from '../runtime';
import { SIGNATURE_HEADER, signatureOf } from '../signature';

type ImportCommand = Extract<Command, { name: 'import' }>;

export interface ImportSummary extends IngestResult {
  rejected: number;
  rejectedFile: string | null;
}

export interface BatchOutcome extends IngestResult {
  rejected: RejectedLine[];
}

/**
 * Sends one batch. The server takes a batch all-or-nothing, so when it refuses some items (422,
 * naming them by index) those are rejected and the rest is sent again.
 */
export const sendBatch = async (items: BatchItem[], post: (body: Buffer) => Promise<IngestResult>): Promise<BatchOutcome> => {
  const outcome: BatchOutcome = { accepted: 0, duplicates: 0, ignored: 0, rejected: [] };
  let pending = items;
  while (pending.length) {
    try {
      const result = await post(encodeBatchBody(pending));
      outcome.accepted += result.accepted;
      outcome.duplicates += result.duplicates;
      outcome.ignored += result.ignored;
      return outcome;
    } catch (error) {
      if (!(error instanceof ProblemError && error.status === 422)) throw error;
      const { rejected, remaining } = splitByServerErrors(pending, error.errors);
      if (!rejected.length) throw error;
      outcome.rejected.push(...rejected);
      pending = remaining;
    }
  }
  return outcome;
};

interface Input {
  stream: NodeJS.ReadableStream;
  /** Unknown for stdin. */
  totalBytes?: number;
  close(): void;
}

const openInput = async (file: string, context: CommandContext): Promise<Input> => {
  if (file === '-') return { stream: context.runtime.stdin, close: () => {} };
  const path = resolve(context.runtime.cwd, file);
  const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new SetupError(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  if (!stats.isFile()) throw new SetupError(`cannot read ${file}: not a file`);
  const stream = createReadStream(path);
  return { stream, totalBytes: stats.size, close: () => stream.destroy() };
};

export const formatImportSummary = (summary: ImportSummary): string =>
  formatFields([
    ['accepted', summary.accepted],
    ['duplicates', summary.duplicates],
    ['ignored', summary.ignored],
    ['rejected', summary.rejectedFile ? `${summary.rejected} (see ${summary.rejectedFile})` : summary.rejected],
  ]);

export const runImport = async (command: ImportCommand, context: CommandContext): Promise<number> => {
  const { runtime, client } = context;
  const secret = ingestionSecret(runtime.env);
  const input = await openInput(command.file, context);
  const rejectedFile = await RejectedFile.replace(rejectedFilePath(command.file, runtime.cwd));
  const progress = createImportProgress(runtime.stderr, input.totalBytes, !context.json);
  const retryPolicy: RetryPolicy = { attempts: 5, baseDelayMs: runtime.timing.retryBaseDelayMs, maxDelayMs: 8000 };

  const post = (body: Buffer) =>
    withRetries(
      async () => {
        const response = await client.json('POST', '/v1/interactions', IngestResultSchema, {
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signatureOf(secret, body) },
          body,
        });
        return response.data;
      },
      retryPolicy,
      sleep,
    );

  const totals: IngestResult = { accepted: 0, duplicates: 0, ignored: 0 };
  let sent = 0;
  const counts = () => ({ sent, rejected: rejectedFile.count });
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;

  const launch = (batch: Batch): void => {
    const sending: Promise<void> = sendBatch(batch.items, post)
      .then(async (outcome) => {
        totals.accepted += outcome.accepted;
        totals.duplicates += outcome.duplicates;
        totals.ignored += outcome.ignored;
        sent += batch.items.length - outcome.rejected.length;
        await rejectedFile.write(outcome.rejected);
        progress.advance(batch.inputBytes, counts());
      })
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  };
  const dispatch = async (batch: Batch): Promise<void> => {
    while (inFlight.size >= command.concurrency) await Promise.race(inFlight);
    if (failure === undefined) launch(batch);
  };

  const batches = new BatchAccumulator(command.batchSize);
  try {
    for await (const outcome of readInteractions(input.stream, command.format)) {
      // A batch that could not be sent after retries means the server is down or refuses us: stop reading.
      if (failure !== undefined) break;
      const { line } = outcome;
      if (outcome.kind === 'valid') {
        const full = batches.add(batchItem(line.lineNumber, line.text, outcome.interaction), line.bytes);
        if (full) await dispatch(full);
        continue;
      }
      if (outcome.kind === 'invalid') await rejectedFile.write([{ line: line.lineNumber, reason: outcome.reason, input: line.text }]);
      progress.advance(line.bytes, counts());
    }
    const last = batches.flush();
    if (last) await dispatch(last);
  } finally {
    input.close();
    await Promise.all(inFlight);
    progress.stop();
    await rejectedFile.close();
  }

  const summary: ImportSummary = { ...totals, rejected: rejectedFile.count, rejectedFile: rejectedFile.count ? rejectedFile.path : null };
  if (context.json) printJson(context, summary);
  else printText(context, formatImportSummary(summary));
  if (failure !== undefined) {
    throw new CommandFailedError('import stopped: a batch could not be sent (importing the same input again is safe: what was sent counts as duplicates)', {
      cause: failure,
    });
  }
  return 0;
};
