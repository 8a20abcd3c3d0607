/**
 * The parts of GitHub webhook payloads Sway reads, per `x-github-event`: star, watch, fork,
 * issue_comment, issues, pull_request. Other events (ping included) pass through.
 */
import { z } from 'zod';
import { isoTime, times } from '../normalized';

const NumericId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const AccountSchema = z.looseObject({ id: NumericId, login: z.string().min(1).max(256) });
export type GitHubAccount = z.infer<typeof AccountSchema>;

const RepositorySchema = z.looseObject({
  id: NumericId,
  full_name: z.string().optional(),
  owner: AccountSchema,
  private: z.boolean().optional(),
  topics: z.array(z.string()).optional(),
});
export type Repository = z.infer<typeof RepositorySchema>;

/**
 * A repository's times: ISO dates, except where GitHub's repository schema (shared with push
 * events) gives Unix seconds.
 */
const RepositoryTime = z.union([
  times.dateString,
  z
    .number()
    .int()
    .nonnegative()
    .transform((seconds, ctx) => {
      const iso = isoTime(new Date(seconds * 1000));
      if (!iso) ctx.addIssue({ code: 'custom', message: 'not a time' });
      return iso ?? z.NEVER;
    }),
]);

const WrittenSchema = z.looseObject({
  id: NumericId,
  /** Null in GitHub's schema when the author's account is gone. */
  user: AccountSchema.nullable(),
  created_at: times.dateString,
  title: z.string().nullish(),
  body: z.string().nullish(),
});
export type Written = z.infer<typeof WrittenSchema>;

export const GitHubEventSchemas = {
  star: z.looseObject({ action: z.string(), starred_at: z.string().nullish(), repository: RepositorySchema, sender: AccountSchema }),
  /** Despite its name, GitHub's watch event is starring. */
  watch: z.looseObject({ action: z.string(), repository: RepositorySchema, sender: AccountSchema }),
  fork: z.looseObject({ forkee: RepositorySchema.extend({ created_at: RepositoryTime }), repository: RepositorySchema, sender: AccountSchema }),
  issue_comment: z.looseObject({ action: z.string(), issue: WrittenSchema, comment: WrittenSchema, repository: RepositorySchema }),
  issues: z.looseObject({ action: z.string(), issue: WrittenSchema, repository: RepositorySchema }),
  pull_request: z.looseObject({ action: z.string(), pull_request: WrittenSchema, repository: RepositorySchema }),
};

type Events = typeof GitHubEventSchemas;
export type GitHubDelivery = { [E in keyof Events]: { event: E; payload: z.infer<Events[E]> } }[keyof Events] | { event: 'other'; name: string };

export const isHandledEvent = (name: string): name is keyof Events => Object.hasOwn(GitHubEventSchemas, name);
