import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sendBatch } from '../../../cli/commands/import';
import { ProblemError } from '../../../cli/http-client';
import { BatchAccumulator, batchItem, encodeBatchBody, splitByServerErrors, type BatchItem } from '../../../cli/import/batches';
import { rejectedFilePath, rejectedLineRecord } from '../../../cli/import/rejected-file';
import { signatureOf } from '../../../cli/signature';
import type { Interaction } from '../../../lib/domain/interactions/schema';

const interaction = (id: string, text?: string): Interaction => ({
  id,
  network: 'x',
  type: 'post',
  actor: { id: 'a1' },
  occurredAt: '2025-01-01T00:00:00Z',
  ...(text ? { text } : {}),
});

const item = (lineNumber: number, text?: string): BatchItem => batchItem(lineNumber, `line ${lineNumber}`, interaction(`i${lineNumber}`, text));

describe('encodeBatchBody', () => {
  it('is the JSON of {interactions}, byte for byte', () => {
    const items = [item(1), item(2, 'héllo "quoted"')];
    const body = encodeBatchBody(items);
    expect(body.toString('utf8')).toBe(JSON.stringify({ interactions: [interaction('i1'), interaction('i2', 'héllo "quoted"')] }));
  });
});

describe('signatureOf', () => {
  it('is sha256= and the hex HMAC-SHA256 of the exact bytes', () => {
    const body = encodeBatchBody([item(1, 'naïve ✓')]);
    const expected = createHmac('sha256', 'secret').update(body).digest('hex');
    expect(signatureOf('secret', body)).toBe(`sha256=${expected}`);
    expect(signatureOf('other secret', body)).not.toBe(`sha256=${expected}`);
    expect(signatureOf('secret', Buffer.concat([body, Buffer.from(' ')]))).not.toBe(`sha256=${expected}`);
  });
});

describe('BatchAccumulator', () => {
  it('hands back a batch each time it is full, then the rest on flush', () => {
    const batches = new BatchAccumulator(2);
    const handedBack = [1, 2, 3, 4, 5].map((line) => batches.add(item(line), 10));
    expect(handedBack.map((batch) => batch?.items.map((entry) => entry.lineNumber))).toEqual([undefined, undefined, [1, 2], undefined, [3, 4]]);
    expect(handedBack[2]?.inputBytes).toBe(20);
    expect(batches.flush()?.items.map((entry) => entry.lineNumber)).toEqual([5]);
    expect(batches.flush()).toBeUndefined();
  });

  it('keeps every body within the byte limit', () => {
    const text = 'x'.repeat(400);
    const oneItemBody = encodeBatchBody([item(1, text)]).length;
    const limit = oneItemBody * 2 + 1; // room for two items and their comma, not three
    const batches = new BatchAccumulator(100, limit);
    const handedBack = [1, 2, 3].map((line) => batches.add(item(line, text), 1));
    expect(handedBack[2]?.items).toHaveLength(2);
    expect(encodeBatchBody(handedBack[2]?.items ?? []).length).toBeLessThanOrEqual(limit);
  });
});

describe('splitByServerErrors', () => {
  const items = [item(10), item(11), item(12)];

  it('rejects the items the 422 names by index, with its reasons, and keeps the rest', () => {
    const { rejected, remaining } = splitByServerErrors(items, [
      { index: 2, reason: 'occurredAt: too old', fields: [] },
      { path: 'interactions', reason: 'about the whole request' },
      { index: 0, message: 'first problem' },
      { index: 0, reason: 'second problem' },
      { index: 7, reason: 'out of range' },
    ]);
    expect(rejected).toEqual([
      { line: 10, reason: 'first problem; second problem', input: 'line 10' },
      { line: 12, reason: 'occurredAt: too old', input: 'line 12' },
    ]);
    expect(remaining.map((entry) => entry.lineNumber)).toEqual([11]);
  });

  it('keeps everything when no error names an item', () => {
    expect(splitByServerErrors(items, [{ reason: 'no index' }])).toEqual({ rejected: [], remaining: items });
  });
});

describe('sendBatch', () => {
  const unprocessable = (errors: Record<string, unknown>[]) => new ProblemError(422, 'Unprocessable Content', 'invalid', '/problems/x', errors);

  it('rejects what the server refuses and sends the rest again', async () => {
    const bodies: string[] = [];
    const outcome = await sendBatch([item(1), item(2), item(3)], async (body) => {
      bodies.push(body.toString());
      if (bodies.length === 1) throw unprocessable([{ index: 1, reason: 'bad' }]);
      return { accepted: 1, duplicates: 1, ignored: 0 };
    });
    expect(outcome).toEqual({ accepted: 1, duplicates: 1, ignored: 0, rejected: [{ line: 2, reason: 'bad', input: 'line 2' }] });
    expect(JSON.parse(bodies[1] as string).interactions.map((entry: Interaction) => entry.id)).toEqual(['i1', 'i3']);
  });

  it('sends nothing more when the server refuses every item', async () => {
    let calls = 0;
    const outcome = await sendBatch([item(1)], async () => {
      calls++;
      throw unprocessable([{ index: 0, reason: 'bad' }]);
    });
    expect(calls).toBe(1);
    expect(outcome.rejected).toHaveLength(1);
  });

  it('fails on a 422 that names no item, and on any other error', async () => {
    await expect(sendBatch([item(1)], () => Promise.reject(unprocessable([{ path: '', reason: 'not a request' }])))).rejects.toMatchObject({
      status: 422,
    });
    await expect(sendBatch([item(1)], () => Promise.reject(new ProblemError(401, 'Unauthorized', 'no', undefined)))).rejects.toMatchObject({
      status: 401,
    });
  });
});

describe('the rejected file', () => {
  it('sits next to the input, or in the working directory for stdin', () => {
    expect(rejectedFilePath('data/in.csv', '/home/me')).toBe('/home/me/data/in.csv.rejected.jsonl');
    expect(rejectedFilePath('/abs/in.jsonl', '/home/me')).toBe('/abs/in.jsonl.rejected.jsonl');
    expect(rejectedFilePath('-', '/home/me')).toBe('/home/me/sway-import.rejected.jsonl');
  });

  it('holds one JSON object a line: line, reason and the original text', () => {
    const record = rejectedLineRecord({ line: 3, reason: 'not valid JSON', input: '{"id": "a",' });
    expect(record.endsWith('\n')).toBe(true);
    expect(JSON.parse(record)).toEqual({ line: 3, reason: 'not valid JSON', input: '{"id": "a",' });
  });
});
