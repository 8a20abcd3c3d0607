import { createInterface } from 'node:readline';
import type { z } from 'zod';
import { InteractionSchema, type Interaction } from '../../lib/domain/interactions/schema';
import { csvRecordToObject, parseCsvHeader, scanCsvRecord } from './csv';

export type InputFormat = 'jsonl' | 'csv';

/** A line of input (for CSV: a record, which may span lines) and where it starts. */
export interface InputLine {
  lineNumber: number;
  text: string;
  /** Bytes of input it covers, newlines included: drives the progress bar. */
  bytes: number;
}

export type ReadOutcome =
  | { kind: 'valid'; line: InputLine; interaction: Interaction }
  | { kind: 'invalid'; line: InputLine; reason: string }
  /** Blank lines and the CSV header. */
  | { kind: 'skipped'; line: InputLine };

export type Validation = { ok: true; interaction: Interaction } | { ok: false; reason: string };

/** A record that would be larger than any accepted request body can only be a quote left open. */
const MAX_CSV_RECORD_CHARS = 1024 * 1024;

export const describeIssues = (issues: z.core.$ZodIssue[]): string =>
  issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');

export const validateInteraction = (value: unknown): Validation => {
  const result = InteractionSchema.safeParse(value);
  return result.success ? { ok: true, interaction: result.data } : { ok: false, reason: describeIssues(result.error.issues) };
};

export const parseJsonLine = (text: string): Validation => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not valid JSON: ${(error as Error).message}` };
  }
  return validateInteraction(value);
};

export async function* readLines(input: NodeJS.ReadableStream): AsyncGenerator<InputLine> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    const text = lineNumber === 1 ? line.replace(/^\uFEFF/, '') : line;
    yield { lineNumber, text, bytes: Buffer.byteLength(line) + 1 };
  }
}

/** Joins the lines of CSV records whose quoted fields hold newlines. */
export async function* assembleCsvRecords(lines: AsyncIterable<InputLine>): AsyncGenerator<InputLine> {
  let pending: InputLine | undefined;
  for await (const line of lines) {
    const record: InputLine = pending ? { lineNumber: pending.lineNumber, text: `${pending.text}\n${line.text}`, bytes: pending.bytes + line.bytes } : line;
    if (scanCsvRecord(record.text).unterminated && record.text.length < MAX_CSV_RECORD_CHARS) {
      pending = record;
    } else {
      pending = undefined;
      yield record;
    }
  }
  if (pending) yield pending;
}

const judged = (line: InputLine, validation: Validation): ReadOutcome =>
  validation.ok ? { kind: 'valid', line, interaction: validation.interaction } : { kind: 'invalid', line, reason: validation.reason };

async function* readJsonLines(input: NodeJS.ReadableStream): AsyncGenerator<ReadOutcome> {
  for await (const line of readLines(input)) {
    if (line.text.trim() === '') {
      yield { kind: 'skipped', line };
      continue;
    }
    yield judged(line, parseJsonLine(line.text));
  }
}

async function* readCsv(input: NodeJS.ReadableStream): AsyncGenerator<ReadOutcome> {
  let columns: ReturnType<typeof parseCsvHeader> | undefined;
  for await (const line of assembleCsvRecords(readLines(input))) {
    if (line.text.trim() === '') {
      yield { kind: 'skipped', line };
      continue;
    }
    const { fields, unterminated } = scanCsvRecord(line.text);
    if (!columns) {
      columns = parseCsvHeader(fields);
      yield { kind: 'skipped', line };
      continue;
    }
    if (unterminated) {
      yield { kind: 'invalid', line, reason: 'a quoted field is never closed' };
    } else if (fields.length !== columns.length) {
      yield { kind: 'invalid', line, reason: `${fields.length} fields where the header has ${columns.length}` };
    } else {
      yield judged(line, validateInteraction(csvRecordToObject(columns, fields)));
    }
  }
}

/** Reads interactions one line (or CSV record) at a time, judging each with the interaction schema. */
export const readInteractions = (input: NodeJS.ReadableStream, format: InputFormat): AsyncGenerator<ReadOutcome> =>
  format === 'csv' ? readCsv(input) : readJsonLines(input);
