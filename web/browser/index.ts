import type { Leaderboard, TopicSummary } from '../../lib/app/api/schemas';
import { getJson } from './api';
import { h, mainRegion, show } from './dom';
import { formatDate, topicHref } from './format';
import { leaderboardTable } from './leaderboard-table';
import { enableSearchForms } from './search-form';
import { searchTarget } from './search-target';
import { noScoresYet, showRefused, showUnreachable } from './states';

const TOPICS_SHOWN = 24;
const LEADERS_SHOWN = 20;

const render = async (): Promise<void> => {
  const region = document.getElementById('boards')!;
  const [topics, leaderboard] = await Promise.all([
    getJson<{ items: TopicSummary[] }>('/v1/topics', { limit: TOPICS_SHOWN }),
    getJson<Leaderboard>('/v1/leaderboard', { limit: LEADERS_SHOWN }),
  ]);
  if (topics.outcome === 'unreachable' || leaderboard.outcome === 'unreachable') return showUnreachable(mainRegion());
  if (topics.outcome !== 'ok') return showRefused(region, topics.outcome === 'refused' ? topics.detail : 'The topic list is missing.', '/');
  if (leaderboard.outcome !== 'ok') return showRefused(region, leaderboard.outcome === 'refused' ? leaderboard.detail : 'The leaderboard is missing.', '/');

  const board = leaderboard.data;
  show(
    region,
    h(
      'section',
      { 'aria-labelledby': 'topics-title' },
      h('h2', { id: 'topics-title' }, 'Largest topics'),
      topics.data.items.length
        ? h(
            'ul',
            { class: 'topic-list' },
            ...topics.data.items.map(({ topic, accounts }) =>
              h(
                'li',
                {},
                h(
                  'a',
                  { href: topicHref(topic) },
                  h('span', { class: 'topic-name' }, `#${topic}`),
                  h('span', { class: 'topic-size' }, `${accounts} scored accounts`),
                ),
              ),
            ),
          )
        : noScoresYet(),
    ),
    h(
      'section',
      { 'aria-labelledby': 'overall-title' },
      h('h2', { id: 'overall-title' }, 'Overall leaderboard'),
      board.items.length
        ? [
            leaderboardTable(board.items, `The ${board.items.length} highest overall scores, across every topic`, null),
            board.computedAt ? h('p', { class: 'computed' }, `Computed ${formatDate(board.computedAt)}.`) : null,
          ]
        : noScoresYet(),
    ),
  );
};

/** Pages without a script (404, method) search by submitting their form here, as `/?q=`. */
const followSearchQuery = (): boolean => {
  const query = new URLSearchParams(window.location.search).get('q');
  if (query === null) return false;
  const target = searchTarget(query);
  if (!('href' in target)) return false;
  window.location.replace(target.href);
  return true;
};

if (!followSearchQuery()) {
  enableSearchForms();
  void render();
}
