import { MAX_INGEST_BODY_BYTES, type Interaction } from '../../lib/domain/interactions/schema';

const BODY_PREFIX = '{"interactions":[';
const BODY_SUFFIX = ']}';
const ENVELOPE_BYTES = Buffer.byteLength(BODY_PREFIX + BODY_SUFFIX);

/** A valid interaction on its way to the server, with the line it came from. */
export interface BatchItem {
  lineNumber: number;
  text: string;
  encoded: string;
  encodedBytes: number;
}

export interface Batch {
  items: BatchItem[];
  /** Input bytes the batch covers, for the progress bar. */
  inputBytes: number;
}

/** What goes into the rejected file: one line of input and why it was not imported. */
export interface RejectedLine {
  line: number;
  reason: string;
  input: string;
}

export const batchItem = (lineNumber: number, text: string, interaction: Interaction): BatchItem => {
  const encoded = JSON.stringify(interaction);
  return { lineNumber, text, encoded, encodedBytes: Buffer.byteLength(encoded) };
};

/** The exact bytes of `{"interactions":[...]}` that are signed and sent. */
export const encodeBatchBody = (items: BatchItem[]): Buffer => Buffer.from(BODY_PREFIX + items.map((item) => item.encoded).join(',') + BODY_SUFFIX);

/**
 * Groups items into batches of at most `maxItems` whose bodies stay within `maxBodyBytes`.
 * `add` hands back a batch when the new item no longer fits in it.
 */
export class BatchAccumulator {
  private items: BatchItem[] = [];
  private bodyBytes = ENVELOPE_BYTES;
  private inputBytes = 0;

  constructor(
    private readonly maxItems: number,
    private readonly maxBodyBytes = MAX_INGEST_BODY_BYTES,
  ) {}

  add(item: BatchItem, inputBytes: number): Batch | undefined {
    const separatorBytes = this.items.length ? 1 : 0;
    const full = this.items.length >= this.maxItems || this.bodyBytes + separatorBytes + item.encodedBytes > this.maxBodyBytes;
    const finished = full ? this.flush() : undefined;
    this.bodyBytes += (this.items.length ? 1 : 0) + item.encodedBytes;
    this.items.push(item);
    this.inputBytes += inputBytes;
    return finished;
  }

  flush(): Batch | undefined {
    if (!this.items.length) return undefined;
    const batch = { items: this.items, inputBytes: this.inputBytes };
    this.items = [];
    this.bodyBytes = ENVELOPE_BYTES;
    this.inputBytes = 0;
    return batch;
  }
}

/**
 * Splits a batch the server refused with 422 into the items it named (by their `index` in the
 * batch, with its reasons) and the rest, which can be sent again.
 */
export const splitByServerErrors = (items: BatchItem[], errors: Record<string, unknown>[]): { rejected: RejectedLine[]; remaining: BatchItem[] } => {
  const reasonsByIndex = new Map<number, string[]>();
  for (const error of errors) {
    const { index } = error;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= items.length) continue;
    reasonsByIndex.set(index, [...(reasonsByIndex.get(index) ?? []), serverReason(error)]);
  }
  const rejected: RejectedLine[] = [];
  const remaining: BatchItem[] = [];
  items.forEach((item, index) => {
    const reasons = reasonsByIndex.get(index);
    if (reasons) rejected.push({ line: item.lineNumber, reason: reasons.join('; '), input: item.text });
    else remaining.push(item);
  });
  return { rejected, remaining };
};

const serverReason = (error: Record<string, unknown>): string => {
  for (const key of ['reason', 'message', 'detail'] as const) {
    const value = error[key];
    if (typeof value === 'string' && value) return value;
  }
  const { index: _index, ...rest } = error;
  return `rejected by the server: ${JSON.stringify(rest)}`;
};
