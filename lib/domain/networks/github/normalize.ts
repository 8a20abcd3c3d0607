import type { Retraction } from '../../interactions/retraction';
import type { Interaction } from '../../interactions/schema';
import { account, canonicalText, ignoredEvents, isoTime, optional, topicSlugs, type Normalized } from '../normalized';
import type { GitHubAccount, GitHubDelivery, Repository, Written } from './schema';

const NETWORK = 'github';

const who = (person: GitHubAccount) => account(String(person.id), person.login);
const repositoryContent = (repository: Repository) => `repo:${repository.id}`;
const repositoryTopics = (repository: Repository) => topicSlugs(repository.topics ?? []);
const one = (interaction: Interaction): Normalized => ({ interactions: [interaction], retractions: [], ignored: 0 });
const undo = (retraction: Retraction): Normalized => ({ interactions: [], retractions: [retraction], ignored: 0 });

/**
 * An issue or pull request opened (or edited: the same id): contributing to someone's repository
 * is a reply to its owner, on one's own repository it is a post. Without its author it is ignored.
 */
const fromOpened = (kind: 'issue' | 'pr', written: Written, repository: Repository): Normalized => {
  const author = written.user;
  if (!author) return ignoredEvents();
  const contentId = `${kind}:${written.id}`;
  const base = {
    id: contentId,
    network: NETWORK,
    actor: who(author),
    contentId,
    ...optional('text', canonicalText([written.title, written.body].filter(Boolean).join('\n\n'))),
    ...optional('topics', repositoryTopics(repository)),
    occurredAt: written.created_at,
  };
  return one(
    author.id === repository.owner.id
      ? { ...base, type: 'post' }
      : { ...base, type: 'reply', target: who(repository.owner), parentContentId: repositoryContent(repository) },
  );
};

/**
 * A GitHub delivery as canonical interactions. Ids come from GitHub's object ids, not from
 * `x-github-delivery`: a star is `star:<repository>:<user>` whether it arrives as `star` or as
 * `watch`, and whether through a repository hook or an organization hook. Private repositories
 * are never scored.
 */
export const normalizeGitHub = (delivery: GitHubDelivery, receivedAt: Date): Normalized => {
  if (delivery.event === 'other') return ignoredEvents();
  const { repository } = delivery.payload;
  if (repository.private) return ignoredEvents();
  const now = isoTime(receivedAt)!;
  switch (delivery.event) {
    case 'star':
    case 'watch': {
      const { payload } = delivery;
      const id = `star:${repository.id}:${payload.sender.id}`;
      if (payload.action === 'deleted' && delivery.event === 'star') return undo({ kind: 'interaction', network: NETWORK, id, retractedAt: now });
      if (payload.action !== 'created' && payload.action !== 'started') return ignoredEvents();
      const starredAt = delivery.event === 'star' && delivery.payload.starred_at ? isoTime(new Date(delivery.payload.starred_at)) : undefined;
      return one({
        id,
        network: NETWORK,
        type: 'like',
        actor: who(payload.sender),
        target: who(repository.owner),
        parentContentId: repositoryContent(repository),
        ...optional('topics', repositoryTopics(repository)),
        occurredAt: starredAt ?? now,
      });
    }
    case 'fork': {
      const { forkee } = delivery.payload;
      return one({
        id: `fork:${forkee.id}`,
        network: NETWORK,
        type: 'share',
        actor: who(forkee.owner),
        target: who(repository.owner),
        contentId: repositoryContent(forkee),
        parentContentId: repositoryContent(repository),
        ...optional('topics', repositoryTopics(repository)),
        occurredAt: forkee.created_at,
      });
    }
    case 'issue_comment': {
      const { action, comment, issue } = delivery.payload;
      const contentId = `comment:${comment.id}`;
      if (action === 'deleted') return undo({ kind: 'content', network: NETWORK, contentId, retractedAt: now });
      // A comment whose author, or whose issue's author, is gone replies to no one Sway knows.
      if ((action !== 'created' && action !== 'edited') || !comment.user || !issue.user) return ignoredEvents();
      return one({
        id: contentId,
        network: NETWORK,
        type: 'reply',
        actor: who(comment.user),
        target: who(issue.user),
        contentId,
        parentContentId: `issue:${issue.id}`,
        ...optional('text', canonicalText(comment.body)),
        ...optional('topics', repositoryTopics(repository)),
        occurredAt: comment.created_at,
      });
    }
    case 'issues': {
      const { action, issue } = delivery.payload;
      if (action === 'deleted') return undo({ kind: 'content', network: NETWORK, contentId: `issue:${issue.id}`, retractedAt: now });
      return action === 'opened' || action === 'edited' ? fromOpened('issue', issue, repository) : ignoredEvents();
    }
    case 'pull_request': {
      const { action, pull_request: pullRequest } = delivery.payload;
      return action === 'opened' || action === 'edited' ? fromOpened('pr', pullRequest, repository) : ignoredEvents();
    }
  }
};
