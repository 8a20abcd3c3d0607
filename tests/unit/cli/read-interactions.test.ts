import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SetupError } from '../../../cli/errors';
import { csvRecordToObject, CSV_COLUMNS, parseCsvHeader, scanCsvRecord, splitTopics } from '../../../cli/input/csv';
import { assembleCsvRecords, parseJsonLine, readInteractions, type InputLine, type ReadOutcome } from '../../../cli/input/read-interactions';

const like = {
  id: 'l1',
  network: 'x',
  type: 'like',
  actor: { id: 'a1', handle: 'alice' },
  target: { id: 'b1' },
  parentContentId: 'p1',
  occurredAt: '2025-01-01T00:00:00Z',
};

const readAll = async (text: string, format: 'jsonl' | 'csv'): Promise<ReadOutcome[]> => {
  const outcomes: ReadOutcome[] = [];
  for await (const outcome of readInteractions(Readable.from([text]), format)) outcomes.push(outcome);
  return outcomes;
};

describe('parseJsonLine', () => {
  it('accepts a canonical interaction', () => {
    expect(parseJsonLine(JSON.stringify(like))).toEqual({ ok: true, interaction: like });
  });

  it('says why a line is not JSON', () => {
    const result = parseJsonLine('{"id": ');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^not valid JSON: /);
  });

  it('names the fields the schema refuses', () => {
    const result = parseJsonLine(JSON.stringify({ ...like, target: undefined, topics: ['Not A Slug'], extra: 1 }));
    expect(result.ok).toBe(false);
    const reason = result.ok ? '' : result.reason;
    expect(reason).toContain('Unrecognized key: "extra"');
    expect(reason).toContain('topics.0: topic must match');
    expect(reason).toContain('target: a like needs a target');
  });
});

describe('scanCsvRecord', () => {
  it('splits plain fields, keeping empty ones', () => {
    expect(scanCsvRecord('a,,c,')).toEqual({ fields: ['a', '', 'c', ''], unterminated: false });
  });

  it('reads quoted fields with commas, doubled quotes and newlines', () => {
    expect(scanCsvRecord('"a, b","say ""hi""","line 1\nline 2"')).toEqual({
      fields: ['a, b', 'say "hi"', 'line 1\nline 2'],
      unterminated: false,
    });
  });

  it('keeps a quote inside an unquoted field as a character', () => {
    expect(scanCsvRecord('5" screen,x')).toEqual({ fields: ['5" screen', 'x'], unterminated: false });
  });

  it('notices a quoted field that goes on past the end of the text', () => {
    expect(scanCsvRecord('a,"open').unterminated).toBe(true);
  });
});

describe('CSV columns', () => {
  it('come from the interaction schema, nested fields dotted', () => {
    expect(CSV_COLUMNS.map((column) => column.name)).toEqual([
      'id',
      'network',
      'type',
      'actor.id',
      'actor.handle',
      'target.id',
      'target.handle',
      'contentId',
      'parentContentId',
      'text',
      'topics',
      'occurredAt',
    ]);
  });

  it('refuse an unknown or repeated column in the header', () => {
    expect(() => parseCsvHeader(['id', 'actor', 'colour'])).toThrow(SetupError);
    expect(() => parseCsvHeader(['id', 'actor', 'colour'])).toThrow(/unknown CSV columns "actor", "colour"/);
    expect(() => parseCsvHeader(['id', 'id'])).toThrow(/"id" appears more than once/);
    expect(parseCsvHeader(['\uFEFFid', ' type ']).map((column) => column.name)).toEqual(['id', 'type']);
  });

  it('turn a record into an interaction-shaped object, empty cells absent', () => {
    const columns = parseCsvHeader(['id', 'actor.id', 'actor.handle', 'target.id', 'target.handle', 'topics', 'text']);
    expect(csvRecordToObject(columns, ['1', 'a1', '', 'b1', 'bob', 'rust| wasm;;go', ''])).toEqual({
      id: '1',
      actor: { id: 'a1' },
      target: { id: 'b1', handle: 'bob' },
      topics: ['rust', 'wasm', 'go'],
    });
    expect(csvRecordToObject(columns, ['1', 'a1', '', '', '', '', ''])).not.toHaveProperty('target');
  });

  it('split topics on | or ;', () => {
    expect(splitTopics('a|b;c')).toEqual(['a', 'b', 'c']);
    expect(splitTopics(' ')).toEqual([]);
  });
});

describe('assembleCsvRecords', () => {
  const lines = async function* (texts: string[]): AsyncGenerator<InputLine> {
    let lineNumber = 0;
    for (const text of texts) yield { lineNumber: ++lineNumber, text, bytes: text.length + 1 };
  };
  const assemble = async (texts: string[]) => {
    const records: InputLine[] = [];
    for await (const record of assembleCsvRecords(lines(texts))) records.push(record);
    return records;
  };

  it('joins the lines of a quoted field that holds newlines, numbered by its first line', async () => {
    expect(await assemble(['h', 'a,"one', 'two",b', 'c,d'])).toEqual([
      { lineNumber: 1, text: 'h', bytes: 2 },
      { lineNumber: 2, text: 'a,"one\ntwo",b', bytes: 14 },
      { lineNumber: 4, text: 'c,d', bytes: 4 },
    ]);
  });

  it('hands an unterminated record back at the end of the input', async () => {
    expect(await assemble(['a,"never', 'closed'])).toEqual([{ lineNumber: 1, text: 'a,"never\nclosed', bytes: 16 }]);
  });
});

describe('readInteractions', () => {
  it('reads JSON Lines: valid, invalid and blank lines with their line numbers', async () => {
    const text = `${JSON.stringify(like)}\r\n\nnot json\n${JSON.stringify({ ...like, id: '' })}`;
    const outcomes = await readAll(text, 'jsonl');
    expect(outcomes.map((outcome) => [outcome.kind, outcome.line.lineNumber])).toEqual([
      ['valid', 1],
      ['skipped', 2],
      ['invalid', 3],
      ['invalid', 4],
    ]);
    expect(outcomes[0]).toMatchObject({ interaction: like });
    expect(outcomes[2]).toMatchObject({ line: { text: 'not json' } });
    expect(outcomes[3]).toMatchObject({ reason: expect.stringContaining('id:') });
  });

  it('reads CSV with a header, quoting and topic lists', async () => {
    const csv = [
      'id,network,type,actor.id,actor.handle,target.id,parentContentId,text,topics,occurredAt',
      'p1,x,post,a1,alice,,,"Hello, ""world""\nsecond line",rust|wasm,2025-01-01T00:00:00Z',
      'l1,x,like,b1,,a1,p1,,,2025-01-01T00:01:00Z',
      'l2,x,like,b1,,,p1,,,2025-01-01T00:01:00Z',
      'short,x',
    ].join('\n');
    const outcomes = await readAll(csv, 'csv');
    expect(outcomes.map((outcome) => [outcome.kind, outcome.line.lineNumber])).toEqual([
      ['skipped', 1],
      ['valid', 2],
      ['valid', 4],
      ['invalid', 5],
      ['invalid', 6],
    ]);
    expect(outcomes[1]).toMatchObject({
      interaction: {
        id: 'p1',
        type: 'post',
        actor: { id: 'a1', handle: 'alice' },
        text: 'Hello, "world"\nsecond line',
        topics: ['rust', 'wasm'],
      },
    });
    expect(outcomes[1]).not.toHaveProperty('interaction.target');
    expect(outcomes[3]).toMatchObject({ reason: 'target: a like needs a target' });
    expect(outcomes[4]).toMatchObject({ reason: '2 fields where the header has 10', line: { text: 'short,x' } });
  });

  it('rejects a CSV record whose quoted field is never closed', async () => {
    const outcomes = await readAll('id,text\n1,"open\nstill open', 'csv');
    expect(outcomes[1]).toEqual({
      kind: 'invalid',
      line: { lineNumber: 2, text: '1,"open\nstill open', bytes: 19 },
      reason: 'a quoted field is never closed',
    });
  });

  it('refuses a CSV header it does not understand before reading any record', async () => {
    await expect(readAll('id,colour\n1,red\n', 'csv')).rejects.toThrow(/unknown CSV column "colour"/);
  });
});
