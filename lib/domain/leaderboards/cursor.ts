import { z } from 'zod';

/**
 * A page cursor pins the board version it was read from and the position of the next entry, so
 * paging through a board never mixes two recomputes. Opaque to clients: base64url of a small JSON object.
 */
const CursorSchema = z.strictObject({ v: z.string().min(1).max(64), p: z.number().int().nonnegative() });
export type BoardCursor = z.infer<typeof CursorSchema>;

export const encodeCursor = (cursor: BoardCursor): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');

export const decodeCursor = (raw: string): BoardCursor | null => {
  try {
    const parsed = CursorSchema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};
