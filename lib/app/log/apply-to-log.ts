import { createHash } from 'node:crypto';
import type { QueuedInteractions } from '../../domain/interactions/queued';
import { accountKey, type Interaction } from '../../domain/interactions/schema';
import type { InteractionRef } from '../../adapters/dynamodb/ingest-store';
import { logObjectKey, logRowsOf, type LogRow } from './log-rows';

export interface ApplyPorts {
  /** Which of these accounts (`network:id`) opted out. */
  optedOutAmong(accounts: readonly string[]): Promise<Set<string>>;
  /** Writes the rows as one log object under `key`, whole or not at all. */
  writeLogObject(key: string, rows: readonly LogRow[]): Promise<void>;
  /** Marks interactions applied, for the `duplicates` count of later deliveries. */
  rememberApplied(refs: readonly InteractionRef[], appliedAt: Date): Promise<void>;
  /** Unmarks retracted interactions, so that the same one given again gets through. */
  forgetApplied(refs: readonly InteractionRef[]): Promise<void>;
}

export interface ApplySummary {
  /** Interactions written to the log (duplicates among them are resolved when the log is read). */
  logged: number;
  /** Interactions involving an account that opted out: dropped. */
  dropped: number;
  retractions: number;
  handles: number;
}

/** The log object a queued message is written to: named by its content, so a redelivery rewrites the same object. */
export const logObjectKeyOf = (message: QueuedInteractions): string =>
  logObjectKey(message.receivedAt, createHash('sha256').update(JSON.stringify(message)).digest('base64url'));

/**
 * Applies one queued message: appends what it carries to the interaction log, as one object named
 * by the message's content, so a redelivered message rewrites the same object; then marks its
 * interactions applied. Nothing here can fail for one interaction and not the others: the object
 * is written whole or not at all, and the marks are keys of bounded size.
 */
export const applyToLog = async (message: QueuedInteractions, ports: ApplyPorts, appliedAt: Date): Promise<ApplySummary> => {
  const involved = (interaction: Interaction) => [
    accountKey(interaction.network, interaction.actor.id),
    ...(interaction.target ? [accountKey(interaction.network, interaction.target.id)] : []),
  ];
  const claims = message.handles ?? [];
  const optedOut = await ports.optedOutAmong([...message.interactions.flatMap(involved), ...claims.map((claim) => accountKey(claim.network, claim.id))]);
  const interactions = message.interactions.filter((interaction) => !involved(interaction).some((account) => optedOut.has(account)));
  const handles = claims.filter((claim) => !optedOut.has(accountKey(claim.network, claim.id)));
  const retractions = message.retractions ?? [];
  const rows = logRowsOf({ interactions, retractions, handles });
  if (rows.length > 0) await ports.writeLogObject(logObjectKeyOf(message), rows);
  await ports.rememberApplied(
    interactions.map(({ network, id }) => ({ network, id })),
    appliedAt,
  );
  await ports.forgetApplied(
    retractions.flatMap((retraction) => (retraction.kind === 'interaction' ? [{ network: retraction.network, id: retraction.id }] : [])),
  );
  return { logged: interactions.length, dropped: message.interactions.length - interactions.length, retractions: retractions.length, handles: handles.length };
};
