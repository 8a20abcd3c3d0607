/**
 * CSV as RFC 4180 writes it, safe to open in a spreadsheet: what `sway find --csv` prints and the
 * campaign search page's shortlist downloads. Pure, without Node or DOM APIs: both use it.
 */
export type CsvValue = string | number | null | undefined;

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a formula,
 * so such a field gets a leading ' and stays text (OWASP, "CSV Injection"). A plain number such as
 * -3.2 is left alone: it runs nothing, and the guard would turn it into text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;

export const csvField = (value: CsvValue): string => {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One record, without its line end. */
export const csvRecord = (values: readonly CsvValue[]): string => values.map(csvField).join(',');

/** Records, each ended by CRLF. */
export const toCsv = (rows: readonly (readonly CsvValue[])[]): string => rows.map((row) => `${csvRecord(row)}\r\n`).join('');
