import type { Interaction } from '../../lib/domain/interactions/schema';

let sequence = 0;

/** A valid interaction with sensible defaults; override what the test is about. */
export const interaction = (overrides: Partial<Interaction> & Pick<Interaction, 'type'>): Interaction => {
  sequence += 1;
  const base: Interaction = {
    id: `i-${sequence}`,
    network: 'x',
    type: overrides.type,
    actor: { id: `actor-${sequence}` },
    occurredAt: new Date(Date.now() - 86_400_000).toISOString(),
  };
  if (overrides.type !== 'post') base.target = { id: 'target' };
  return { ...base, ...overrides };
};

/** `count` engagements of `type` from distinct engagers to `author`, in `topics`. */
export const engagements = (author: string, count: number, type: Interaction['type'] = 'reply', topics = ['physics'], handle = author): Interaction[] =>
  Array.from({ length: count }, (_, i) => interaction({ type, actor: { id: `${author}-fan-${i}` }, target: { id: author, handle }, topics }));
