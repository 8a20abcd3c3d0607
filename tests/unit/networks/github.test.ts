import { describe, expect, it } from 'vitest';
import { githubWebhook } from '../../../lib/domain/networks/github/source';
import { fixture } from '../../support/webhook-deliveries';
import { normalizeFixture, parseFails, RECEIVED_AT } from './normalize-fixture';

const normalize = (file: string, event: string) => normalizeFixture(githubWebhook, 'github', file, { event });
/** A fixture as GitHub could as well have sent it: the same payload with some of its fields changed. */
const variant = (file: string, event: string, change: (payload: Record<string, any>) => void) => {
  const payload = JSON.parse(fixture('github', file).toString('utf8'));
  change(payload);
  return normalizeFixture(githubWebhook, 'github', file, { event, body: Buffer.from(JSON.stringify(payload)) });
};
const ISSUE_TITLE = 'many() loops forever on an empty-matching parser';
const nothing = { interactions: [], retractions: [], ignored: 1 };
const OWNER = { id: '58123904', handle: 'quillwork' };
const STAR = 'star:712334455:91822310';

describe('GitHub webhook deliveries', () => {
  it('reads a star as a like of the repository’s owner, in the repository’s topics', () => {
    expect(normalize('star-created.json', 'star').interactions).toEqual([
      {
        id: STAR,
        network: 'github',
        type: 'like',
        actor: { id: '91822310', handle: 'mei-chen-dev' },
        target: OWNER,
        parentContentId: 'repo:712334455',
        topics: ['parser', 'parser-combinators', 'typescript'],
        occurredAt: '2026-11-20T12:41:07.000Z',
      },
    ]);
  });

  it('gives the watch event that comes with every star the star’s id, so the star counts once', () => {
    expect(normalize('watch-started.json', 'watch').interactions.map((interaction) => interaction.id)).toEqual([STAR]);
  });

  it('reads an unstar as the retraction of the star', () => {
    expect(normalize('star-deleted.json', 'star').retractions).toEqual([
      { kind: 'interaction', network: 'github', id: STAR, retractedAt: RECEIVED_AT.toISOString() },
    ]);
  });

  it('reads a fork as a share of the repository', () => {
    expect(normalize('fork.json', 'fork').interactions).toEqual([
      expect.objectContaining({
        id: 'fork:1093442211',
        type: 'share',
        actor: { id: '7734102', handle: 'octo-ravi' },
        target: OWNER,
        contentId: 'repo:1093442211',
        parentContentId: 'repo:712334455',
      }),
    ]);
  });

  it('reads an issue on someone’s repository as a reply to its owner, and a comment as a reply to the issue’s author', () => {
    expect(normalize('issues-opened.json', 'issues').interactions).toEqual([
      expect.objectContaining({
        id: 'issue:2671234567',
        type: 'reply',
        target: OWNER,
        parentContentId: 'repo:712334455',
        text: expect.stringContaining('anything but a hang 🙃'),
      }),
    ]);
    expect(normalize('issue-comment-created.json', 'issue_comment').interactions).toEqual([
      {
        id: 'comment:2491230011',
        network: 'github',
        type: 'reply',
        actor: { id: '30455120', handle: 'lena-quill' },
        target: { id: '91822310', handle: 'mei-chen-dev' },
        contentId: 'comment:2491230011',
        parentContentId: 'issue:2671234567',
        text: expect.stringContaining('Ça marche maintenant 🎉'),
        topics: ['parser', 'parser-combinators', 'typescript'],
        occurredAt: '2026-11-20T14:02:17.000Z',
      },
    ]);
    expect(normalize('pull-request-opened.json', 'pull_request').interactions).toEqual([
      expect.objectContaining({ id: 'pr:2188776655', type: 'reply', actor: { id: '7734102', handle: 'octo-ravi' }, target: OWNER }),
    ]);
  });

  it('reads an issue on one’s own repository as a post, its text the title and the body', () => {
    const own = variant('issues-opened.json', 'issues', (payload) => {
      payload.repository.owner = payload.issue.user;
      payload.repository.full_name = 'mei-chen-dev/tinyparse';
    });
    expect(own.interactions).toEqual([
      {
        id: 'issue:2671234567',
        network: 'github',
        type: 'post',
        actor: { id: '91822310', handle: 'mei-chen-dev' },
        contentId: 'issue:2671234567',
        text: `${ISSUE_TITLE}\n\nRepro:\n\n\`\`\`ts\nmany(optional(char('x'))).parse('')\n\`\`\`\n\nnever returns. Expected: \`[]\` or an error — anything but a hang 🙃`,
        topics: ['parser', 'parser-combinators', 'typescript'],
        occurredAt: '2026-11-20T13:20:31.000Z',
      },
    ]);
    // Without a body, the title alone.
    expect(variant('issues-opened.json', 'issues', (payload) => (payload.issue.body = null)).interactions[0]?.text).toBe(ISSUE_TITLE);
  });

  it('reads an edited issue or pull request as the one opened, and a deleted issue as the retraction of the issue', () => {
    const edited = (file: string, event: string) => variant(file, event, (payload) => (payload.action = 'edited'));
    expect(edited('issues-opened.json', 'issues')).toEqual(normalize('issues-opened.json', 'issues'));
    expect(edited('pull-request-opened.json', 'pull_request')).toEqual(normalize('pull-request-opened.json', 'pull_request'));
    expect(variant('issues-opened.json', 'issues', (payload) => (payload.action = 'deleted'))).toEqual({
      interactions: [],
      retractions: [{ kind: 'content', network: 'github', contentId: 'issue:2671234567', retractedAt: RECEIVED_AT.toISOString() }],
      ignored: 0,
    });
  });

  it('acknowledges other issue and pull request actions, and issues or pull requests whose author is gone, as ignored', () => {
    expect(variant('issues-opened.json', 'issues', (payload) => (payload.action = 'closed'))).toEqual(nothing);
    expect(variant('pull-request-opened.json', 'pull_request', (payload) => (payload.action = 'closed'))).toEqual(nothing);
    expect(variant('issues-opened.json', 'issues', (payload) => (payload.issue.user = null))).toEqual(nothing);
    expect(variant('pull-request-opened.json', 'pull_request', (payload) => (payload.pull_request.user = null))).toEqual(nothing);
  });

  it('reads an edited comment as the reply it was, and acknowledges a comment whose author is gone, or another action, as ignored', () => {
    expect(variant('issue-comment-created.json', 'issue_comment', (payload) => (payload.action = 'edited'))).toEqual(
      normalize('issue-comment-created.json', 'issue_comment'),
    );
    expect(variant('issue-comment-created.json', 'issue_comment', (payload) => (payload.comment.user = null))).toEqual(nothing);
    expect(variant('issue-comment-created.json', 'issue_comment', (payload) => (payload.action = 'pinned'))).toEqual(nothing);
  });

  it('dates a star by its starred_at, and a star without one, or the watch event, when it arrived', () => {
    const occurredAt = (normalized: { interactions: { occurredAt: string }[] }) => normalized.interactions.map((interaction) => interaction.occurredAt);
    expect(occurredAt(variant('star-created.json', 'star', (payload) => (payload.starred_at = null)))).toEqual([RECEIVED_AT.toISOString()]);
    // GitHub’s watch event has no starred_at: a field of that name in its payload is not read.
    expect(occurredAt(variant('watch-started.json', 'watch', (payload) => (payload.starred_at = '2026-11-20T12:41:07Z')))).toEqual([RECEIVED_AT.toISOString()]);
  });

  it('retracts a star only on unstar: a watch event with any action but started is ignored', () => {
    expect(variant('watch-started.json', 'watch', (payload) => (payload.action = 'deleted'))).toEqual(nothing);
  });

  it('reads a repository that lists no topics as no topics', () => {
    const [like] = variant('star-created.json', 'star', (payload) => delete payload.repository.topics).interactions;
    expect(like).toMatchObject({ id: STAR, type: 'like' });
    expect(like).not.toHaveProperty('topics');
  });

  it('reads a deleted comment as the retraction of that comment', () => {
    expect(normalize('issue-comment-deleted.json', 'issue_comment').retractions).toEqual([
      { kind: 'content', network: 'github', contentId: 'comment:2491230011', retractedAt: RECEIVED_AT.toISOString() },
    ]);
  });

  it('acknowledges the ping, events it does not read and private repositories as ignored', () => {
    expect(normalize('ping.json', 'ping')).toEqual({ interactions: [], retractions: [], ignored: 1 });
    expect(normalize('star-created.json', 'check_run')).toEqual({ interactions: [], retractions: [], ignored: 1 });
    expect(normalize('star-created-private.json', 'star')).toEqual({ interactions: [], retractions: [], ignored: 1 });
  });

  it('acknowledges a comment on an issue whose author is null (GitHub’s schema allows it) as ignored', () => {
    expect(normalize('issue-comment-created-issue-author-null.json', 'issue_comment')).toEqual({ interactions: [], retractions: [], ignored: 1 });
  });

  it('reads a fork whose created_at is Unix seconds, as GitHub’s repository schema allows', () => {
    expect(normalize('fork-created-at-unix-seconds.json', 'fork').interactions).toEqual([
      {
        id: 'fork:1096012288',
        network: 'github',
        type: 'share',
        actor: { id: '77120034', handle: 'aiko-tanabe' },
        target: { id: '61230977', handle: 'harbor-labs' },
        contentId: 'repo:1096012288',
        parentContentId: 'repo:803311276',
        topics: ['oceanography', 'sensors'],
        occurredAt: '2026-11-20T20:40:00.000Z',
      },
    ]);
  });

  it('refuses a star without its repository', () => {
    expect(parseFails(githubWebhook, { action: 'created', sender: { id: 1, login: 'a' } }, { 'x-github-event': 'star' })).toBe(true);
  });
});
