import type { Account, Explanation, History } from '../../lib/app/api/schemas';
import { accountApiPath, getJson } from './api';
import { drawHistoryChart, type ChartHost } from './charts';
import { h, mainRegion, show, type Child } from './dom';
import { accountHref, accountLabel, formatDate, formatPercent, formatScore, networkName, topicHref } from './format';
import { enableSearchForms } from './search-form';
import { showNotFound, showOptedOut, showRefused, showUnreachable } from './states';

const HISTORY_DAYS = 90;

const topicScores = (account: Account): HTMLElement =>
  h(
    'section',
    { 'aria-labelledby': 'topics-title' },
    h('h2', { id: 'topics-title' }, 'Topic scores'),
    account.topics.length
      ? h(
          'table',
          { class: 'topic-scores' },
          h('caption', { class: 'visually-hidden' }, `Scores of ${accountLabel(account)} per topic, with their rank in each`),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Topic'),
              h('th', { scope: 'col', class: 'score' }, 'Score'),
              h('th', { scope: 'col', class: 'rank' }, 'Rank'),
            ),
          ),
          h(
            'tbody',
            {},
            ...account.topics.map(({ topic, score, rank }) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, h('a', { href: topicHref(topic) }, `#${topic}`)),
                h('td', { class: 'score' }, h('data', { value: score }, formatScore(score))),
                h('td', { class: 'rank' }, `#${rank}`),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, 'No topic scores yet: nobody has responded to this account within a topic.'),
  );

/** Factor contributions as bars: together the bars fill the score's width, and their values add up to it. */
/** Sized through the CSSOM: the Content-Security-Policy refuses style attributes (web/security-headers.ts). */
const barFill = (percent: number): HTMLElement => {
  const fill = h('span');
  fill.style.width = `${percent.toFixed(2)}%`;
  return fill;
};

const factorBars = (explanation: Explanation): HTMLElement => {
  const total = explanation.factors.reduce((sum, factor) => sum + Math.abs(factor.contribution), 0) || 1;
  return h(
    'div',
    { class: 'factors' },
    h(
      'ul',
      { class: 'factor-list' },
      ...explanation.factors.map((factor) =>
        h(
          'li',
          { class: 'factor', 'data-factor': factor.name },
          h('span', { class: 'factor-label' }, factor.label),
          h(
            'data',
            { class: 'factor-points', value: factor.contribution },
            `${factor.contribution < 0 ? '−' : '+'}${Math.abs(factor.contribution).toFixed(2)}`,
          ),
          h('span', { class: 'factor-bar', 'aria-hidden': 'true' }, barFill((Math.abs(factor.contribution) / total) * 100)),
          h('span', { class: 'factor-description' }, factor.description),
        ),
      ),
    ),
    h('p', { class: 'factor-total' }, 'Together: ', h('data', { value: explanation.score }, formatScore(explanation.score)), ' points, the score.'),
  );
};

/** A numbered list of the items, or a line saying there are none. */
const listOrNone = (className: string, items: Child[], none: string): HTMLElement =>
  items.length ? h('ol', { class: className }, ...items.map((item) => h('li', {}, item))) : h('p', { class: 'empty' }, none);

const explanationOf = (explanation: Explanation, topic: string | null): Child[] => [
  h('h3', {}, 'What the score is made of'),
  factorBars(explanation),
  h('h3', {}, 'Who responds most'),
  listOrNone(
    'engagers',
    explanation.topEngagers.map((engager) => [
      h('a', { href: accountHref(engager.network, engager.id, topic) }, accountLabel(engager)),
      ` ${networkName(engager.network)} · ${engager.interactions} interaction${engager.interactions === 1 ? '' : 's'} · ${formatPercent(engager.weight)} of the response`,
    ]),
    'Nobody yet.',
  ),
  h('h3', {}, 'Content that earned the most response'),
  listOrNone(
    'content',
    explanation.topContent.map((item) => [
      h('code', {}, item.contentId),
      ` · ${item.responses} response${item.responses === 1 ? '' : 's'} · ${formatPercent(item.weight)}`,
    ]),
    'No content with responses in this topic.',
  ),
  ...(explanation.flags.length > 0
    ? [
        h('h3', {}, 'Flagged by the anti-gaming signals'),
        h('p', {}, 'Still scored (the damping is in the score above), but never listed by campaign search:'),
        h('ul', { class: 'flags' }, ...explanation.flags.map((flag) => h('li', {}, h('strong', {}, flag.name), ` · ${flag.description}`))),
      ]
    : []),
];

const historyDetails = (history: History): HTMLElement =>
  h(
    'details',
    { class: 'history-numbers' },
    h('summary', {}, 'Show the numbers'),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Day'), h('th', { scope: 'col', class: 'score' }, 'Score'))),
      h('tbody', {}, ...history.map((point) => h('tr', {}, h('td', {}, point.date), h('td', { class: 'score' }, formatScore(point.score))))),
    ),
  );

/** The history chart and the explanation, for the topic chosen (null: the overall score). */
const renderWhy = async (region: HTMLElement, chart: ChartHost, network: string, id: string, topic: string | null): Promise<void> => {
  region.setAttribute('aria-busy', 'true');
  const [history, explanation] = await Promise.all([
    getJson<History>(accountApiPath(network, id, '/history'), { topic, days: HISTORY_DAYS }),
    getJson<Explanation>(accountApiPath(network, id, '/explain'), { topic }),
  ]);
  if (history.outcome === 'unreachable' || explanation.outcome === 'unreachable') return showUnreachable(mainRegion());
  const points = history.outcome === 'ok' ? history.data : [];
  const chartTitle = document.getElementById('history-title')!;
  chartTitle.textContent = `${topic ? `#${topic}` : 'Overall'} score over the last ${HISTORY_DAYS} days`;
  if (points.length) {
    chart.hidden = false;
    drawHistoryChart(chart, points);
  } else {
    chart.hidden = true;
  }
  show(
    region,
    points.length ? historyDetails(points) : h('p', { class: 'empty' }, 'No history yet: a point is added every day the scores are recomputed.'),
    explanation.outcome === 'ok' ? explanationOf(explanation.data, topic) : h('p', { class: 'empty' }, 'No explanation for this topic yet.'),
  );
};

const optOut = (account: Account): HTMLElement =>
  h(
    'section',
    { 'aria-labelledby': 'opt-out-title' },
    h('h2', { id: 'opt-out-title' }, 'How to opt out'),
    h(
      'p',
      {},
      `If this is your account and you want it out of Sway, ask this Sway's operator to remove it: they run `,
      h('code', {}, `npx sway forget ${account.network}:${account.id}`),
      ' (or ',
      h('code', {}, `DELETE /v1/accounts/${account.network}/${account.id}`),
      '). From the next recompute on, its scores, history and explanations are gone, its responses no longer count towards anyone else’s score, and Sway ignores it for good.',
    ),
  );

const render = async (): Promise<void> => {
  const region = mainRegion();
  const [, , rawNetwork = '', rawId = ''] = window.location.pathname.split('/');
  const network = decodeURIComponent(rawNetwork);
  const idOrHandle = decodeURIComponent(rawId);
  const result = await getJson<Account>(accountApiPath(network, idOrHandle));
  if (result.outcome === 'unreachable') return showUnreachable(region);
  if (result.outcome === 'gone') return showOptedOut(region, `${networkName(network)} account ${idOrHandle}`);
  if (result.outcome === 'not-found' || (result.outcome === 'refused' && result.status === 400)) {
    return showNotFound(
      region,
      'Account',
      `Sway knows no ${networkName(network)} account “${idOrHandle}”. Accounts appear at the first recompute after they interact.`,
    );
  }
  if (result.outcome === 'refused') return showRefused(region, result.detail, '/');

  const account = result.data;
  const chosen = new URLSearchParams(window.location.search).get('topic');
  const topic = chosen && account.topics.some((entry) => entry.topic === chosen) ? chosen : null;
  document.title = `${accountLabel(account)} on ${networkName(account.network)} · Sway`;

  const chooser = h(
    'select',
    { id: 'topic-choice' },
    h('option', { value: '' }, 'Overall'),
    ...account.topics.map((entry) => h('option', { value: entry.topic, selected: entry.topic === topic }, `#${entry.topic}`)),
  );
  const chart: ChartHost = h('div', { class: 'history-chart', id: 'history-chart' });
  const why = h('div', { class: 'why', 'aria-busy': 'true' });

  show(
    region,
    h(
      'header',
      { class: 'account-header' },
      h('h1', {}, accountLabel(account)),
      h('p', { class: 'account-meta' }, `${networkName(account.network)} · id ${account.id}`),
      h(
        'p',
        { class: 'account-score' },
        h('data', { value: account.score, id: 'overall-score' }, formatScore(account.score)),
        h('span', {}, ' overall score, out of 100'),
      ),
    ),
    topicScores(account),
    h(
      'section',
      { 'aria-labelledby': 'why-title' },
      h('h2', { id: 'why-title' }, 'Why this score'),
      h('p', { class: 'chooser' }, h('label', { for: 'topic-choice' }, 'Topic '), chooser),
      // Announces the topic a change of the chooser switched to.
      h('h3', { id: 'history-title', 'aria-live': 'polite' }, 'Score history'),
      chart,
      why,
    ),
    optOut(account),
    h('p', { class: 'computed' }, `Computed ${formatDate(account.computedAt)}. `, h('a', { href: '/method' }, 'How scores work')),
  );

  chooser.addEventListener('change', () => {
    const url = new URL(window.location.href);
    if (chooser.value) url.searchParams.set('topic', chooser.value);
    else url.searchParams.delete('topic');
    window.history.replaceState(null, '', url);
    void renderWhy(why, chart, account.network, account.id, chooser.value || null);
  });
  await renderWhy(why, chart, account.network, account.id, topic);
};

enableSearchForms();
void render();
