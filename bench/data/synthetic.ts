import type { Interaction } from '../../lib/domain/interactions/schema';

/** mulberry32: a small, seeded generator, so every run produces the same world. */
export const seededRandom = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const TYPES: Interaction['type'][] = ['reply', 'share', 'like', 'like', 'like', 'mention', 'quote'];

/**
 * A seeded stand-in for real data when ../shared/data is absent: engagements whose authors follow
 * a heavy-tailed popularity, spread over a few topics and the last 30 days.
 */
export async function* syntheticInteractions({
  count,
  accounts = 20_000,
  seed = 42,
}: {
  count: number;
  accounts?: number;
  seed?: number;
}): AsyncGenerator<Interaction> {
  const random = seededRandom(seed);
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    const author = Math.floor(accounts * random() ** 3);
    const engager = Math.floor(accounts * random());
    yield {
      id: `synthetic-${seed}-${i}`,
      network: 'x',
      type: TYPES[Math.floor(random() * TYPES.length)] ?? 'like',
      actor: { id: `u${engager}` },
      target: { id: `u${author}` },
      topics: [`topic-${author % 5}`],
      occurredAt: new Date(now - Math.floor(random() * 30 * 86_400_000)).toISOString(),
    };
  }
}
