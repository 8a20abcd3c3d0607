import { z } from 'zod';
import { RetractionSchema } from './retraction';
import { InteractionSchema, NetworkSchema } from './schema';

/**
 * A handle an account published for itself (a Bluesky identity event): unlike the handle another
 * account's interaction shows for it, nobody else can set it.
 */
export const HandleClaimSchema = z.strictObject({
  network: NetworkSchema,
  id: z.string().min(1).max(256),
  handle: z.string().min(1).max(256),
  seenAt: z.iso.datetime({ offset: true }),
});
export type HandleClaim = z.infer<typeof HandleClaimSchema>;

/** The body of one queue message: a slice of an accepted delivery. */
export const QueuedInteractionsSchema = z
  .object({
    receivedAt: z.iso.datetime(),
    interactions: z.array(InteractionSchema),
    retractions: z.array(RetractionSchema).optional(),
    handles: z.array(HandleClaimSchema).optional(),
  })
  .refine((message) => message.interactions.length + (message.retractions?.length ?? 0) + (message.handles?.length ?? 0) > 0, {
    message: 'a queued message carries at least one interaction, retraction or handle',
  });
export type QueuedInteractions = z.infer<typeof QueuedInteractionsSchema>;
