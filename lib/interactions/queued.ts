import { z } from 'zod';
import { InteractionSchema } from './schema';

/** The body of one queue message: a slice of an accepted delivery. */
export const QueuedInteractionsSchema = z.object({
  receivedAt: z.iso.datetime(),
  interactions: z.array(InteractionSchema).min(1),
});
export type QueuedInteractions = z.infer<typeof QueuedInteractionsSchema>;
