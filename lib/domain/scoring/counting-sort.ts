/**
 * Stable counting sort of the indices 0..count-1 by their key in 0..keyCount-1: `order` lists the
 * indices grouped by key (in index order within a key), and key k's group is
 * `order[start[k]..start[k+1])`. Linear, and independent of anything but the keys.
 */
export const groupByKey = (count: number, keyCount: number, keyOf: (index: number) => number): { start: Uint32Array; order: Uint32Array } => {
  const start = new Uint32Array(keyCount + 1);
  for (let i = 0; i < count; i++) start[keyOf(i) + 1]!++;
  for (let k = 0; k < keyCount; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, keyCount);
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[fill[keyOf(i)]!++] = i;
  return { start, order };
};
