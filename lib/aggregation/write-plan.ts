import { accountKey, type Interaction, type InteractionType } from '../interactions/schema';
import { OVERALL_TOPIC, keys } from '../store/keys';

/** DynamoDB's limit on the items of one TransactWriteItems call. */
export const MAX_TRANSACTION_ITEMS = 100;

const DAY_SECONDS = 86_400;
/** Interactions and aggregates are kept a little longer than the 90-day scoring window. */
export const RETENTION_DAYS = 100;

export const expiresAtFor = (occurredAt: string): number =>
  Math.floor(Date.parse(occurredAt) / 1000) + RETENTION_DAYS * DAY_SECONDS;

const dayOf = (occurredAt: string): string => new Date(occurredAt).toISOString().slice(0, 10);

export interface ItemKey {
  pk: string;
  sk: string;
}

/** An interaction with the topics it counts in (its own, or those of the content it engages with). */
export interface ResolvedInteraction {
  interaction: Interaction;
  topics: string[];
}

/** What the interaction item records of an applied interaction: enough to take it back out. */
export interface InteractionRecord {
  type: InteractionType;
  /** `network:id` keys. */
  actor: string;
  target: string | null;
  topics: string[];
  occurredAt: string;
  parentContentId?: string;
}

export const recordOf = ({ interaction, topics }: ResolvedInteraction): InteractionRecord => ({
  type: interaction.type,
  actor: accountKey(interaction.network, interaction.actor.id),
  target: interaction.target ? accountKey(interaction.network, interaction.target.id) : null,
  topics,
  occurredAt: interaction.occurredAt,
  ...(interaction.parentContentId ? { parentContentId: interaction.parentContentId } : {}),
});

export interface AggregateCount {
  kind: 'post' | 'edge' | 'contentResponses';
  key: ItemKey;
  counter: string;
}

/**
 * The aggregate counters an interaction adds one to: applying adds them, retracting takes the
 * same ones away, so the two cannot drift apart. Self-interactions count nowhere.
 */
export const aggregateCounts = (record: InteractionRecord): AggregateCount[] => {
  const day = dayOf(record.occurredAt);
  const counts: AggregateCount[] = [];
  for (const topic of [OVERALL_TOPIC, ...record.topics]) {
    if (record.type === 'post') {
      counts.push({ kind: 'post', key: keys.post(topic, day, record.actor), counter: 'posts' });
    } else if (record.target && record.target !== record.actor) {
      counts.push({ kind: 'edge', key: keys.edge(topic, day, record.target, record.actor), counter: `n_${record.type}` });
      if (record.parentContentId) {
        counts.push({ kind: 'contentResponses', key: keys.contentResponses(topic, record.target, record.parentContentId), counter: 'responses' });
      }
    }
  }
  return counts;
};

/** The interaction item, written only if the interaction is new, or renewed after its retraction. */
export interface InteractionPut {
  /** `network:id`. */
  interactionKey: string;
  item: Record<string, unknown>;
  /** Normalized, for the comparison with a tombstone's `retractedAt`. */
  occurredAt: string;
}

/**
 * What the interactions of one transaction add to one item, merged (a transaction may write an
 * item once); `from` names them (`network:id`). Attributes set are those of the last interaction
 * in the message that sets them, as if the interactions had been applied one after the other.
 */
export type ItemUpdate =
  | { kind: 'counters'; key: ItemKey; add: Record<string, number>; set: Record<string, string | number>; from: string[] }
  /** The ids of the interactions a piece of content brought; refused once the content was deleted. */
  | { kind: 'contentInteractions'; key: ItemKey; ids: string[]; expiresAt: number; from: string[] };

export interface TransactionPlan {
  puts: InteractionPut[];
  updates: ItemUpdate[];
}

const itemId = (key: ItemKey): string => `${key.pk}\u0000${key.sk}`;

/**
 * The writes that apply these interactions in one transaction: each interaction item
 * conditionally, and every aggregate, counter and content item they add to, once, with the sum
 * of what they add. The interactions must have distinct keys (see `byRepeat`).
 */
export const planTransaction = (batch: ResolvedInteraction[], appliedAt: string): TransactionPlan => {
  const puts: InteractionPut[] = [];
  const counters = new Map<string, Extract<ItemUpdate, { kind: 'counters' }>>();
  const contents = new Map<string, Extract<ItemUpdate, { kind: 'contentInteractions' }>>();
  const addTo = (key: ItemKey, counter: string, interactionKey: string, values: Record<string, string | number | null | undefined> = {}) => {
    let update = counters.get(itemId(key));
    if (!update) {
      update = { kind: 'counters', key, add: {}, set: {}, from: [] };
      counters.set(itemId(key), update);
    }
    update.add[counter] = (update.add[counter] ?? 0) + 1;
    if (!update.from.includes(interactionKey)) update.from.push(interactionKey);
    for (const [attribute, value] of Object.entries(values)) {
      if (value !== undefined && value !== null) update.set[attribute] = value;
    }
  };

  // The whole transaction counts in one shard of the interaction counter: one item, not one each.
  const first = batch[0]?.interaction;
  const counterKey = first ? keys.interactionCounter(accountKey(first.network, first.id)) : null;

  for (const resolved of batch) {
    const { interaction } = resolved;
    const interactionKey = accountKey(interaction.network, interaction.id);
    const record = recordOf(resolved);
    const expiresAt = expiresAtFor(interaction.occurredAt);
    // A post has no target: left out, since the byTarget index takes only strings.
    const { target, ...untargeted } = record;
    puts.push({
      interactionKey,
      occurredAt: new Date(interaction.occurredAt).toISOString(),
      item: {
        ...keys.interaction(interaction.network, interaction.id),
        network: interaction.network,
        interactionId: interaction.id,
        ...untargeted,
        ...(target === null ? {} : { target }),
        ...(interaction.contentId ? { contentId: interaction.contentId } : {}),
        appliedAt,
        expiresAt,
      },
    });
    if (counterKey) addTo(counterKey, 'interactions', interactionKey);

    if (interaction.contentId) {
      const key = keys.contentInteractions(interaction.network, interaction.contentId);
      const update = contents.get(itemId(key)) ?? { kind: 'contentInteractions' as const, key, ids: [], expiresAt, from: [] };
      update.ids.push(interaction.id);
      update.from.push(interactionKey);
      contents.set(itemId(key), update);
    }

    const day = dayOf(interaction.occurredAt);
    for (const { kind, key, counter } of aggregateCounts(record)) {
      if (kind === 'post') {
        addTo(key, counter, interactionKey, { expiresAt, author: record.actor, day, authorHandle: interaction.actor.handle });
      } else if (kind === 'edge') {
        addTo(key, counter, interactionKey, {
          expiresAt,
          author: record.target,
          engager: record.actor,
          day,
          authorHandle: interaction.target?.handle,
          engagerHandle: interaction.actor.handle,
        });
      } else {
        addTo(key, counter, interactionKey, { expiresAt, author: record.target, contentId: record.parentContentId });
      }
    }
  }
  return { puts, updates: [...contents.values(), ...counters.values()] };
};

/** The items applying one interaction writes, but for the transaction's shared counter. */
const itemsOf = (resolved: ResolvedInteraction): string[] => {
  const { interaction } = resolved;
  return [
    itemId(keys.interaction(interaction.network, interaction.id)),
    ...(interaction.contentId ? [itemId(keys.contentInteractions(interaction.network, interaction.contentId))] : []),
    ...aggregateCounts(recordOf(resolved)).map(({ key }) => itemId(key)),
  ];
};

/**
 * Splits interactions (in order) into batches that each fit one transaction once their writes to
 * shared items are merged. An interaction that alone needs more items than a transaction holds
 * gets a batch of its own (and fails there, as it would on its own).
 */
export const transactionBatches = (interactions: ResolvedInteraction[], limit = MAX_TRANSACTION_ITEMS): ResolvedInteraction[][] => {
  const batches: ResolvedInteraction[][] = [];
  let current: ResolvedInteraction[] = [];
  let items = new Set<string>();
  for (const resolved of interactions) {
    const own = itemsOf(resolved);
    const added = own.filter((item) => !items.has(item)).length;
    // + 1: the interaction counter the transaction shares.
    if (current.length > 0 && items.size + added + 1 > limit) {
      batches.push(current);
      current = [];
      items = new Set();
    }
    current.push(resolved);
    for (const item of own) items.add(item);
  }
  if (current.length > 0) batches.push(current);
  return batches;
};

/**
 * Rounds in which every interaction key appears once: the first copy of each in the first round,
 * a second copy (a message may repeat an interaction) in the next, and so on. Applying the rounds
 * one after the other treats a copy exactly as a later delivery of it.
 */
export const byRepeat = (interactions: ResolvedInteraction[]): ResolvedInteraction[][] => {
  const rounds: ResolvedInteraction[][] = [];
  const seen = new Map<string, number>();
  for (const resolved of interactions) {
    const key = accountKey(resolved.interaction.network, resolved.interaction.id);
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (rounds[round] ??= []).push(resolved);
  }
  return rounds;
};
