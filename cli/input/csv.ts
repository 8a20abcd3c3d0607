import { z } from 'zod';
import { InteractionSchema } from '../../lib/domain/interactions/schema';
import { SetupError } from '../errors';

export interface CsvScan {
  fields: string[];
  /** The text ends inside a quoted field: the record goes on on the next line. */
  unterminated: boolean;
}

/**
 * Splits one CSV record (RFC 4180): fields separated by commas, a field that starts with `"` is
 * quoted and may hold commas, newlines and `""` for a quote. A quote anywhere else is just a character.
 */
export const scanCsvRecord = (text: string): CsvScan => {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let atFieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char !== '"') field += char;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (char === ',') {
      fields.push(field);
      field = '';
      atFieldStart = true;
      continue;
    } else if (char === '"' && atFieldStart) quoted = true;
    else field += char;
    atFieldStart = false;
  }
  fields.push(field);
  return { fields, unterminated: quoted };
};

/** A CSV column: a top-level field of the interaction, or `actor.id`-style for a nested one. */
interface CsvColumn {
  name: string;
  path: [string] | [string, string];
  isList: boolean;
}

const unwrapOptional = (schema: z.ZodType): z.ZodType => (schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema);

/** The columns a CSV import understands, derived from the interaction schema itself. */
export const CSV_COLUMNS: readonly CsvColumn[] = Object.entries(InteractionSchema.shape).flatMap(([key, field]): CsvColumn[] => {
  const schema = unwrapOptional(field);
  if (schema instanceof z.ZodObject) {
    return Object.keys(schema.shape).map((nested) => ({ name: `${key}.${nested}`, path: [key, nested], isList: false }));
  }
  return [{ name: key, path: [key], isList: schema instanceof z.ZodArray }];
});

const columnsByName = new Map(CSV_COLUMNS.map((column) => [column.name, column]));

/** Reads the header record; unknown or repeated columns are a setup error, not a thousand rejected lines. */
export const parseCsvHeader = (fields: string[]): CsvColumn[] => {
  const names = fields.map((field, index) => (index === 0 ? field.replace(/^\uFEFF/, '') : field).trim());
  const unknown = names.filter((name) => !columnsByName.has(name));
  if (unknown.length) {
    throw new SetupError(
      `unknown CSV column${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => JSON.stringify(name)).join(', ')}; ` +
        `the columns are ${CSV_COLUMNS.map((column) => column.name).join(', ')}`,
    );
  }
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length) throw new SetupError(`CSV column ${JSON.stringify(repeated[0])} appears more than once`);
  return names.map((name) => columnsByName.get(name) as CsvColumn);
};

/** Topics in one cell: `rust|wasm` or `rust;wasm`. */
export const splitTopics = (cell: string): string[] =>
  cell
    .split(/[|;]/)
    .map((topic) => topic.trim())
    .filter(Boolean);

/**
 * One CSV record as an interaction-shaped object, for the schema to judge. Empty cells are absent
 * fields; a nested object exists when any of its cells is filled.
 */
export const csvRecordToObject = (columns: CsvColumn[], fields: string[]): Record<string, unknown> => {
  const object: Record<string, unknown> = {};
  columns.forEach((column, index) => {
    const cell = fields[index] ?? '';
    if (cell === '') return;
    const value = column.isList ? splitTopics(cell) : cell;
    const [key, nested] = column.path;
    if (nested === undefined) object[key] = value;
    else object[key] = { ...(object[key] as Record<string, unknown> | undefined), [nested]: value };
  });
  return object;
};
