import type { Leaderboard } from '../../lib/app/api/schemas';
import { TOPIC_PATTERN } from '../../lib/domain/interactions/patterns';
import { getJson, type ApiResult } from './api';
import { h, mainRegion, show } from './dom';
import { formatDate, KNOWN_NETWORKS, networkName } from './format';
import { leaderboardTable } from './leaderboard-table';
import { enableSearchForms } from './search-form';
import { noScoresYet, showNotFound, showRefused, showUnreachable } from './states';

const PAGE_SIZE = 20;

/** Where a reader is: the topic, the network filter, the page's cursor and those of the pages before it. */
interface View {
  topic: string;
  network: string | null;
  cursor: string | null;
  /** Cursors of the earlier pages, oldest first (the first page has none). */
  before: string[];
}

const viewHref = ({ network, cursor, before }: Omit<View, 'topic'>): string => {
  const query = new URLSearchParams();
  if (network) query.set('network', network);
  if (cursor) query.set('cursor', cursor);
  for (const earlier of before) query.append('before', earlier);
  const text = query.toString();
  return text ? `?${text}` : window.location.pathname;
};

const boardPage = ({ topic, network, cursor }: View): Promise<ApiResult<Leaderboard>> =>
  getJson<Leaderboard>(`/v1/topics/${encodeURIComponent(topic)}/leaderboard`, { limit: PAGE_SIZE, network, cursor });

/** Every network Sway knows, not only those with accounts in the topic: finding those would cost a request per network on every page view. */
const networkFilter = (view: View): HTMLElement => {
  const options = [null, ...KNOWN_NETWORKS];
  if (view.network && !KNOWN_NETWORKS.includes(view.network)) options.push(view.network);
  return h(
    'nav',
    { class: 'filters', 'aria-label': 'Filter by network' },
    h('span', { class: 'filters-label', 'aria-hidden': 'true' }, 'Network:'),
    h(
      'ul',
      {},
      ...options.map((network) =>
        h(
          'li',
          {},
          h(
            'a',
            { href: viewHref({ network, cursor: null, before: [] }), 'aria-current': network === view.network ? 'page' : null },
            network ? networkName(network) : 'All networks',
          ),
        ),
      ),
    ),
  );
};

const pager = (view: View, board: Leaderboard): HTMLElement | null => {
  const first = board.items[0]?.rank;
  const last = board.items[board.items.length - 1]?.rank;
  const previous = view.cursor
    ? viewHref({ network: view.network, cursor: view.before[view.before.length - 1] ?? null, before: view.before.slice(0, -1) })
    : null;
  const next = board.nextCursor
    ? viewHref({ network: view.network, cursor: board.nextCursor, before: view.cursor ? [...view.before, view.cursor] : [] })
    : null;
  if (!previous && !next) return null;
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Leaderboard pages' },
    previous ? h('a', { href: previous, rel: 'prev' }, '← Previous') : h('span', {}),
    first !== undefined ? h('span', { class: 'pager-position' }, `Ranks ${first}–${last}`) : null,
    next ? h('a', { href: next, rel: 'next' }, 'Next →') : h('span', {}),
  );
};

const render = async (): Promise<void> => {
  const region = mainRegion();
  const query = new URLSearchParams(window.location.search);
  const topic = decodeURIComponent(window.location.pathname.split('/')[2] ?? '');
  const view: View = { topic, network: query.get('network'), cursor: query.get('cursor'), before: query.getAll('before') };
  if (!TOPIC_PATTERN.test(topic))
    return showNotFound(region, 'Topic', `“${topic}” is not a topic name: topics are words of lower-case letters, digits and dashes.`);

  const page = await boardPage(view);
  if (page.outcome === 'unreachable') return showUnreachable(region);
  if (page.outcome === 'refused') return showRefused(region, page.detail, viewHref({ network: view.network, cursor: null, before: [] }));
  if (page.outcome !== 'ok') return showNotFound(region, 'Topic', `Sway has no topic #${topic}.`);

  const board = page.data;
  let list: HTMLElement;
  if (board.items.length > 0) {
    list = leaderboardTable(
      board.items,
      `#${topic}${view.network ? ` on ${networkName(view.network)}` : ''}, ranks ${board.items[0]!.rank} to ${board.items[board.items.length - 1]!.rank}`,
      topic,
    );
  } else {
    // An empty board is a network with nobody in the topic, a topic Sway does not know, or no recompute yet.
    const overall = await getJson<Leaderboard>('/v1/leaderboard', { limit: 1 });
    if (overall.outcome === 'unreachable') return showUnreachable(region);
    const scored = overall.outcome === 'ok' && overall.data.computedAt !== null;
    if (!scored) list = noScoresYet();
    else if (view.network) list = h('p', { class: 'empty' }, `Nobody on ${networkName(view.network)} has a score in #${topic}.`);
    else
      return showNotFound(
        region,
        'Topic',
        `Sway has no scores in #${topic}: nobody has responded to anyone in this topic yet. Topics appear once accounts earn responses in them.`,
      );
  }

  document.title = `#${topic} · Sway`;
  show(
    region,
    h('h1', {}, h('span', { class: 'hash', 'aria-hidden': 'true' }, '#'), topic),
    h(
      'p',
      { class: 'lede' },
      'Ranked by the response their posts earn from others in this topic, weighted by who responds — not by how much they post. ',
      h('a', { href: '/method' }, 'How scores work'),
    ),
    networkFilter(view),
    list,
    board.items.length ? pager(view, board) : null,
    board.computedAt ? h('p', { class: 'computed' }, `Computed ${formatDate(board.computedAt)}.`) : null,
  );
};

enableSearchForms();
void render();
