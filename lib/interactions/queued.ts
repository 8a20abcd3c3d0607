import { z } from 'zod';
import { RetractionSchema } from './retraction';
import { InteractionSchema } from './schema';

/** The body of one queue message: a slice of an accepted delivery. */
export const QueuedInteractionsSchema = z
  .object({
    receivedAt: z.iso.datetime(),
    interactions: z.array(InteractionSchema),
    retractions: z.array(RetractionSchema).optional(),
  })
  .refine((message) => message.interactions.length + (message.retractions?.length ?? 0) > 0, {
    message: 'a queued message carries at least one interaction or retraction',
  });
export type QueuedInteractions = z.infer<typeof QueuedInteractionsSchema>;
