import { IngestRequestSchema, type Interaction } from '../../domain/interactions/schema';

export interface InvalidItem extends Record<string, unknown> {
  index: number;
  reason: string;
  fields: { path: string; reason: string }[];
}

export type ParsedIngestRequest =
  | { ok: true; interactions: Interaction[] }
  | { ok: false; problem: 'not-json'; detail: string }
  | { ok: false; problem: 'invalid'; detail: string; errors: Record<string, unknown>[] };

/**
 * Parses a `POST /v1/interactions` body all-or-nothing: either every item is valid, or the answer
 * names every invalid item by its index with its reasons.
 */
export const parseIngestRequest = (raw: Buffer): ParsedIngestRequest => {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, problem: 'not-json', detail: 'The body is not valid JSON.' };
  }
  const result = IngestRequestSchema.safeParse(body);
  if (result.success) return { ok: true, interactions: result.data.interactions };

  const byIndex = new Map<number, InvalidItem>();
  const requestErrors: { path: string; reason: string }[] = [];
  for (const issue of result.error.issues) {
    const [first, index, ...rest] = issue.path;
    if (first === 'interactions' && typeof index === 'number') {
      const item = byIndex.get(index) ?? { index, reason: '', fields: [] };
      item.fields.push({ path: rest.join('.'), reason: issue.message });
      byIndex.set(index, item);
    } else {
      requestErrors.push({ path: issue.path.join('.'), reason: issue.message });
    }
  }
  const items = [...byIndex.values()]
    .sort((a, b) => a.index - b.index)
    .map((item) => ({ ...item, reason: item.fields.map((field) => (field.path ? `${field.path}: ${field.reason}` : field.reason)).join('; ') }));
  const detail = items.length
    ? `${items.length} of the interactions are invalid; nothing was stored.`
    : 'The body is not an ingest request: {"interactions": [ …1 to 1000 interactions… ]}.';
  return { ok: false, problem: 'invalid', detail, errors: [...requestErrors, ...items] };
};
