import type { History, LeaderboardEntry } from '../../lib/app/api/schemas';
import { accountApiPath, getJson } from './api';
import { drawSparkline, type ChartHost } from './charts';
import { h } from './dom';
import { accountHref, accountLabel, formatScore, networkName } from './format';

export const TREND_DAYS = 30;

/**
 * Ranked rows: rank, account (linking to its page), network, score, and the trend of the last 30
 * days, drawn once each row's history arrives.
 */
export const leaderboardTable = (entries: LeaderboardEntry[], caption: string, topic: string | null): HTMLTableElement => {
  const rows = entries.map((entry) =>
    h(
      'tr',
      {},
      h('td', { class: 'rank' }, entry.rank),
      h(
        'th',
        { scope: 'row', class: 'account' },
        h('a', { href: accountHref(entry.network, entry.id, topic) }, accountLabel(entry)),
        h('span', { class: 'account-network' }, networkName(entry.network)),
      ),
      h('td', { class: 'network' }, networkName(entry.network)),
      h('td', { class: 'score' }, h('data', { value: entry.score }, formatScore(entry.score))),
      h('td', { class: 'trend' }, trendSparkline(entry, topic)),
    ),
  );
  return h(
    'table',
    { class: 'leaderboard' },
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', class: 'rank' }, 'Rank'),
        h('th', { scope: 'col', class: 'account' }, 'Account'),
        h('th', { scope: 'col', class: 'network' }, 'Network'),
        h('th', { scope: 'col', class: 'score' }, 'Score'),
        h('th', { scope: 'col', class: 'trend' }, `${TREND_DAYS} days`),
      ),
    ),
    h('tbody', {}, ...rows),
  );
};

/** An account's score in the topic (null: overall) over the last 30 days, drawn once its history arrives. */
export const trendSparkline = (account: { network: string; id: string }, topic: string | null): ChartHost => {
  const host: ChartHost = h('div', { class: 'sparkline', role: 'img', 'aria-label': 'Loading the trend' });
  void drawTrend(host, account, topic);
  return host;
};

const drawTrend = async (host: ChartHost, account: { network: string; id: string }, topic: string | null): Promise<void> => {
  const result = await getJson<History>(accountApiPath(account.network, account.id, '/history'), { topic, days: TREND_DAYS });
  const history = result.outcome === 'ok' ? result.data : [];
  if (history.length < 2) {
    host.setAttribute('aria-label', 'No trend yet');
    host.textContent = history.length ? 'new' : '–';
    return;
  }
  const first = history[0]!;
  const last = history[history.length - 1]!;
  host.setAttribute(
    'aria-label',
    `Score over the last ${TREND_DAYS} days: ${formatScore(first.score)} on ${first.date}, ${formatScore(last.score)} on ${last.date}`,
  );
  drawSparkline(host, history);
};
