/**
 * What the interaction log holds: one row per applied interaction, retraction and handle claim,
 * as the queue message carried it. Nothing is resolved here — duplicates, retractions and topics
 * inherited from content are resolved when the log is read (lib/app/aggregation/resolve.ts).
 */
import type { HandleClaim, QueuedInteractions } from '../../domain/interactions/queued';
import type { Retraction } from '../../domain/interactions/retraction';
import { accountKey, type Interaction } from '../../domain/interactions/schema';
import { topicsOf } from '../../domain/topics/extract';

export type LogRowKind = 'interaction' | 'retract' | 'retract-content' | 'handle';

export interface LogRow {
  kind: LogRowKind;
  network: string;
  /** The interaction's id; for `retract` the retracted one's; for `handle` the account's id. */
  id: string | null;
  type: string | null;
  /** `network:id` account keys. */
  actor: string | null;
  actorHandle: string | null;
  target: string | null;
  targetHandle: string | null;
  contentId: string | null;
  parentContentId: string | null;
  /** The interaction's own topics (explicit, then hashtags; at most 20). */
  topics: string[] | null;
  /** When it happened, was retracted, or the handle was seen, in epoch milliseconds. */
  at: number;
  handle: string | null;
}

/** Columns of the log's Parquet files, in order, with their DuckDB types. */
export const LOG_COLUMNS = [
  ['kind', 'VARCHAR'],
  ['network', 'VARCHAR'],
  ['id', 'VARCHAR'],
  ['type', 'VARCHAR'],
  ['actor', 'VARCHAR'],
  ['actor_handle', 'VARCHAR'],
  ['target', 'VARCHAR'],
  ['target_handle', 'VARCHAR'],
  ['content_id', 'VARCHAR'],
  ['parent_content_id', 'VARCHAR'],
  ['topics', 'VARCHAR[]'],
  ['happened_at', 'TIMESTAMP'],
  ['handle', 'VARCHAR'],
] as const;

const empty = {
  id: null,
  type: null,
  actor: null,
  actorHandle: null,
  target: null,
  targetHandle: null,
  contentId: null,
  parentContentId: null,
  topics: null,
  handle: null,
};

export const interactionRow = (interaction: Interaction): LogRow => {
  const topics = topicsOf(interaction);
  return {
    kind: 'interaction',
    network: interaction.network,
    id: interaction.id,
    type: interaction.type,
    actor: accountKey(interaction.network, interaction.actor.id),
    actorHandle: interaction.actor.handle ?? null,
    target: interaction.target ? accountKey(interaction.network, interaction.target.id) : null,
    targetHandle: interaction.target?.handle ?? null,
    contentId: interaction.contentId ?? null,
    parentContentId: interaction.parentContentId ?? null,
    topics: topics.length > 0 ? topics : null,
    at: Date.parse(interaction.occurredAt),
    handle: null,
  };
};

export const retractionRow = (retraction: Retraction): LogRow =>
  retraction.kind === 'interaction'
    ? { ...empty, kind: 'retract', network: retraction.network, id: retraction.id, at: Date.parse(retraction.retractedAt) }
    : { ...empty, kind: 'retract-content', network: retraction.network, contentId: retraction.contentId, at: Date.parse(retraction.retractedAt) };

export const handleRow = (claim: HandleClaim): LogRow => ({
  ...empty,
  kind: 'handle',
  network: claim.network,
  id: claim.id,
  actor: accountKey(claim.network, claim.id),
  handle: claim.handle,
  at: Date.parse(claim.seenAt),
});

/** Every row a message brings to the log, in the message's order. */
export const logRowsOf = (message: Pick<QueuedInteractions, 'interactions' | 'retractions' | 'handles'>): LogRow[] => [
  ...message.interactions.map(interactionRow),
  ...(message.retractions ?? []).map(retractionRow),
  ...(message.handles ?? []).map(handleRow),
];

/** The object a message's rows go to: by the day it was received, named by its content, so a redelivery rewrites the same object. */
export const logObjectKey = (receivedAt: string, digest: string): string => `log/day=${receivedAt.slice(0, 10)}/${digest}.parquet`;
