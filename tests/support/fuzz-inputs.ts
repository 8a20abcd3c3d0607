/**
 * Generators of random and mutated HTTP input for property tests (fast-check): bodies of any
 * kind, and edits that replace, delete or insert values at random places in a JSON document.
 */
import fc from 'fast-check';

/** Random bytes, random text (any unicode), or random JSON. */
export const anyBody = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ maxLength: 512, unit: 'grapheme' }).map((text) => Buffer.from(text)),
  fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
);

export interface JsonEdit {
  at: number;
  value: unknown;
  remove: boolean;
}

/** Replaces, deletes or inserts values at random places in a JSON document. */
export const mutateJson = (document: unknown, edits: JsonEdit[]): unknown => {
  const copy = structuredClone(document);
  for (const edit of edits) {
    const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) {
        node.forEach((child, index) => {
          slots.push({ parent: node, key: index });
          walk(child);
        });
      } else if (node && typeof node === 'object')
        for (const [key, child] of Object.entries(node)) {
          slots.push({ parent: node as Record<string, unknown>, key });
          walk(child);
        }
    };
    walk(copy);
    const slot = slots[edit.at % Math.max(1, slots.length)];
    if (!slot) continue;
    if (edit.remove && Array.isArray(slot.parent)) slot.parent.splice(Number(slot.key), 1);
    else if (edit.remove) delete (slot.parent as Record<string, unknown>)[slot.key as string];
    else (slot.parent as Record<string, unknown>)[slot.key as string] = edit.value;
  }
  return copy;
};

export const edits = fc.array(fc.record({ at: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }), remove: fc.boolean() }), { minLength: 1, maxLength: 4 });
