import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../../lib/app/api/csv';

describe('the shortlist CSV', () => {
  it('quotes as RFC 4180 says: fields with a comma, quote or line break, quotes doubled; CRLF after every row', () => {
    expect(
      toCsv([
        ['network', 'handle'],
        ['x', 'alice'],
        ['mastodon', 'a,b'],
        ['x', 'say "hi"'],
        ['x', 'two\nlines'],
        ['x', null],
      ]),
    ).toBe('network,handle\r\nx,alice\r\nmastodon,"a,b"\r\nx,"say ""hi"""\r\nx,"two\nlines"\r\nx,\r\n');
  });

  it('keeps a field that starts like a formula as text, with a leading apostrophe', () => {
    for (const formula of ['=1+1', '+1', '-1+1', '@SUM(A1)', '\tx', '\rx', '-'])
      expect(csvField(formula), JSON.stringify(formula)).toBe(csvField(`'${formula}`));
    expect(csvField('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
  });

  it('leaves numbers, negative ones too, and ordinary text as they are', () => {
    expect([-3.2, 0, 54.1, '-12', 'alice@example.org', 'a=b'].map(csvField)).toEqual(['-3.2', '0', '54.1', '-12', 'alice@example.org', 'a=b']);
  });
});
