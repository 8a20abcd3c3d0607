export type Cell = string | number | null | undefined;

export interface Column {
  header: string;
  /** Default: right for columns of numbers, left otherwise. */
  align?: 'left' | 'right';
}

/** Server data (handles, texts) may hold control characters: they must not reach the terminal. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point, so a hostile handle cannot move the terminal's cursor
export const printable = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

const cellText = (cell: Cell): string => (cell === null || cell === undefined ? '' : printable(String(cell)));

/** A plain-text table: a header line, then one line per row, columns two spaces apart. */
export const formatTable = (columns: Column[], rows: Cell[][]): string => {
  const texts = rows.map((row) => columns.map((_, index) => cellText(row[index])));
  const widths = columns.map((column, index) => Math.max(column.header.length, ...texts.map((row) => (row[index] as string).length)));
  const alignments = columns.map(
    (column, index) =>
      column.align ??
      (rows.length && rows.every((row) => typeof row[index] === 'number' || row[index] === null || row[index] === undefined) ? 'right' : 'left'),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, index) => (alignments[index] === 'right' ? cell.padStart(widths[index] as number) : cell.padEnd(widths[index] as number)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...texts.map(line)].join('\n');
};

/** Labelled values, one a line, values lined up: `pending   0`. */
export const formatFields = (fields: [label: string, value: Cell][]): string => {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${label.padEnd(width)}  ${cellText(value)}`.trimEnd()).join('\n');
};

/** How to ask for the page after this one. */
export const nextPageLine = (cursor: string): string => `next page: --cursor ${cursor}`;

/** Scores are 1 to 100 with one decimal. */
export const formatScore = (score: number): string => score.toFixed(1);

export const formatDuration = (ms: number): string => {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
};
