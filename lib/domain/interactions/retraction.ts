import { z } from 'zod';
import { NetworkSchema } from './schema';

const RetractedAt = z.iso.datetime({ offset: true, message: 'retractedAt must be an ISO-8601 timestamp' });

/**
 * Something a network says was undone: an un-like, an unfollow, a removed reaction (one
 * interaction, by its id), or a deleted post, comment or message (every interaction that piece of
 * content brought, by its contentId). Applied after the original or before it, the effect is the
 * same: the original counts for nothing.
 */
export const RetractionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('interaction'),
    network: NetworkSchema,
    id: z.string().min(1).max(512),
    retractedAt: RetractedAt,
  }),
  z.strictObject({
    kind: z.literal('content'),
    network: NetworkSchema,
    contentId: z.string().min(1).max(512),
    retractedAt: RetractedAt,
  }),
]);
export type Retraction = z.infer<typeof RetractionSchema>;
