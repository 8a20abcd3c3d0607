import { formatFields, formatTable, type Cell } from './table';

/** `topEngagers` → `top engagers`. */
export const humanize = (key: string): string =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();

const formatNumber = (value: number): string => (Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000));

const scalarCell = (value: unknown): Cell => {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return formatNumber(value);
  if (Array.isArray(value)) return value.map((item) => scalarCell(item) ?? '').join(', ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
};

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** `{engager: {network, id}}` → `{"engager network": …, "engager id": …}`, so rows fit a table. */
export const flattenRow = (row: Record<string, unknown>, prefix = ''): Record<string, Cell> =>
  Object.fromEntries(
    Object.entries(row).flatMap(([key, value]) =>
      isRecord(value) ? Object.entries(flattenRow(value, `${prefix}${key} `)) : [[`${prefix}${key}`, scalarCell(value)]],
    ),
  );

const formatRecordList = (rows: Record<string, unknown>[]): string => {
  const flattened = rows.map((row) => flattenRow(row));
  const keys = [...new Set(flattened.flatMap((row) => Object.keys(row)))];
  const numeric = (key: string) => flattened.every((row) => row[key] === undefined || /^-?[\d.]+$/.test(String(row[key])));
  return formatTable(
    keys.map((key) => ({ header: humanize(key), align: numeric(key) ? 'right' : 'left' })),
    flattened.map((row) => keys.map((key) => row[key])),
  );
};

/**
 * An explanation, whatever its exact fields: scalars as labelled values, lists of records
 * (factors, top engagers, top content) as tables under their name, nested records indented.
 */
export const formatExplanation = (explanation: unknown, indent = ''): string => {
  if (!isRecord(explanation)) return `${indent}${scalarCell(explanation) ?? ''}`;
  const scalars: [string, Cell][] = [];
  const sections: string[] = [];
  for (const [key, value] of Object.entries(explanation)) {
    if (Array.isArray(value) && value.length && value.every(isRecord)) {
      sections.push(`${humanize(key)}:\n${indentLines(formatRecordList(value), `${indent}  `)}`);
    } else if (isRecord(value)) {
      sections.push(`${humanize(key)}:\n${formatExplanation(value, `${indent}  `)}`);
    } else {
      scalars.push([humanize(key), Array.isArray(value) && !value.length ? 'none' : scalarCell(value)]);
    }
  }
  const blocks = [...(scalars.length ? [indentLines(formatFields(scalars), indent)] : []), ...sections.map((section) => `${indent}${section}`)];
  return blocks.join('\n\n');
};

const indentLines = (text: string, indent: string): string =>
  text
    .split('\n')
    .map((line) => `${indent}${line}`)
    .join('\n');
