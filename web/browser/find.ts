import type { Audience, Influencer, InfluencerSearch, TopicSummary } from '../../lib/app/api/schemas';
import { toTopicSlug } from '../../lib/domain/topics/extract';
import { accountApiPath, getJson, type ApiResult } from './api';
import { h, mainRegion, show, type Child } from './dom';
import { accountHref, accountLabel, formatPercent, formatScore, KNOWN_NETWORKS, networkName } from './format';
import { TREND_DAYS, trendSparkline } from './leaderboard-table';
import { enableSearchForms } from './search-form';
import { onShortlistChangedElsewhere, readShortlist, saveShortlist, shortlistCsv, accountKey, type ShortlistEntry } from './shortlist';
import { showUnreachable } from './states';

const PAGE_SIZE = 20;
/** Topics offered as checkboxes, largest first; the entry box suggests up to a page of them. */
const TOPICS_OFFERED = 12;
const TOPICS_SUGGESTED = 100;

/** A search as the URL holds it: bounds as typed ('' = none), network '' = all. */
interface Search {
  topics: string[];
  network: string;
  minScore: string;
  maxScore: string;
  sort: string;
}

const searchFromUrl = (): Search => {
  const query = new URLSearchParams(window.location.search);
  return {
    topics: [
      ...new Set(
        (query.get('topics') ?? '')
          .split(',')
          .map((topic) => topic.trim())
          .filter(Boolean),
      ),
    ],
    network: query.get('network') ?? '',
    minScore: query.get('minScore') ?? '',
    maxScore: query.get('maxScore') ?? '',
    sort: query.get('sort') || 'relevance',
  };
};

/** The page's own address for a search; topics keep literal commas, so a shared link reads as it was asked. */
const searchHref = (search: Search): string => {
  const rest = new URLSearchParams();
  if (search.network) rest.set('network', search.network);
  if (search.minScore) rest.set('minScore', search.minScore);
  if (search.maxScore) rest.set('maxScore', search.maxScore);
  if (search.sort !== 'relevance') rest.set('sort', search.sort);
  const parts = [search.topics.length ? `topics=${search.topics.map(encodeURIComponent).join(',')}` : '', rest.toString()].filter(Boolean);
  return parts.length ? `/find?${parts.join('&')}` : '/find';
};

const searchPage = (search: Search, cursor: string | null): Promise<ApiResult<InfluencerSearch>> =>
  getJson<InfluencerSearch>('/v1/search/influencers', {
    topics: search.topics.join(','),
    network: search.network,
    minScore: search.minScore,
    maxScore: search.maxScore,
    sort: search.sort,
    limit: PAGE_SIZE,
    cursor,
  });

const topicList = (topics: readonly string[]): string => topics.map((topic) => `#${topic}`).join(', ');

const element = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const form = element<HTMLFormElement>('find-form');
const choices = element<HTMLUListElement>('topic-choices');
const entry = element<HTMLInputElement>('topic-entry');
const suggestions = element<HTMLDataListElement>('topic-suggestions');
const topicMessage = element<HTMLElement>('topic-message');
const networkField = element<HTMLSelectElement>('find-network');
const minField = element<HTMLInputElement>('find-min');
const maxField = element<HTMLInputElement>('find-max');
const sortField = element<HTMLSelectElement>('find-sort');
const results = element<HTMLElement>('results');
const resultsStatus = element<HTMLElement>('results-status');
const compareBody = element<HTMLElement>('compare-body');
const shortlistBody = element<HTMLElement>('shortlist-body');
const shortlistTitle = element<HTMLElement>('shortlist-title');
const downloadButton = element<HTMLButtonElement>('shortlist-download');

// ---- Topics: checkboxes of the largest topics and of those typed in, in the order they were chosen.

let chosenTopics: string[] = [];
const topicBoxes = new Map<string, HTMLInputElement>();
const topicSizes = new Map<string, number>();

const offerTopic = (topic: string): void => {
  if (topicBoxes.has(topic)) return;
  const box = h('input', { type: 'checkbox', value: topic });
  box.addEventListener('change', () => {
    chosenTopics = box.checked ? [...chosenTopics, topic] : chosenTopics.filter((chosen) => chosen !== topic);
    topicMessage.textContent = '';
  });
  topicBoxes.set(topic, box);
  const size = topicSizes.get(topic);
  choices.append(h('li', {}, h('label', {}, box, ` #${topic}`, size === undefined ? null : h('span', { class: 'topic-size' }, ` ${size} accounts`))));
};

const chooseTopics = (topics: readonly string[]): void => {
  chosenTopics = [...topics];
  for (const topic of topics) offerTopic(topic);
  for (const [topic, box] of topicBoxes) box.checked = chosenTopics.includes(topic);
};

/** Adds what the entry box holds, as Sway slugs a hashtag; false (and says why) when it is no topic. */
const addEnteredTopic = (): boolean => {
  const text = entry.value.trim();
  if (!text) return true;
  const topic = toTopicSlug(text.replace(/^#/, ''));
  if (!topic) {
    topicMessage.textContent = `“${text}” is not a topic: topics are words of letters, digits and dashes.`;
    entry.setAttribute('aria-invalid', 'true');
    entry.focus();
    return false;
  }
  if (!chosenTopics.includes(topic)) chooseTopics([...chosenTopics, topic]);
  entry.value = '';
  entry.removeAttribute('aria-invalid');
  topicMessage.textContent = `#${topic} added.`;
  return true;
};

let topicsLoaded: Promise<void> = Promise.resolve();

const loadTopics = async (): Promise<void> => {
  const listed = await getJson<{ items: TopicSummary[] }>('/v1/topics', { limit: TOPICS_SUGGESTED });
  if (listed.outcome === 'unreachable') return showUnreachable(mainRegion());
  const topics = listed.outcome === 'ok' ? listed.data.items : [];
  for (const { topic, accounts } of topics) topicSizes.set(topic, accounts);
  // Rebuilt, so that the chosen topics now show their sizes too.
  choices.replaceChildren();
  topicBoxes.clear();
  for (const topic of new Set([...topics.slice(0, TOPICS_OFFERED).map(({ topic }) => topic), ...chosenTopics])) offerTopic(topic);
  chooseTopics(chosenTopics);
  if (!topics.length) {
    choices.append(
      h('li', { class: 'empty' }, listed.outcome === 'ok' ? 'No scored topics yet: type one below.' : 'The topic list is unavailable: type a topic below.'),
    );
  }
  suggestions.replaceChildren(...topics.map(({ topic, accounts }) => h('option', { value: topic }, `${accounts} scored accounts`)));
  choices.removeAttribute('aria-busy');
};

// ---- The form, and the URL it is reflected in.

const fillForm = (search: Search): void => {
  chooseTopics(search.topics);
  if (search.network && !networkField.querySelector(`option[value="${CSS.escape(search.network)}"]`)) {
    networkField.append(h('option', { value: search.network }, networkName(search.network)));
  }
  networkField.value = search.network;
  minField.value = search.minScore;
  maxField.value = search.maxScore;
  sortField.value = search.sort;
};

const searchFromForm = (): Search => ({
  topics: chosenTopics,
  network: networkField.value,
  minScore: minField.value.trim(),
  maxScore: maxField.value.trim(),
  sort: sortField.value || 'relevance',
});

// ---- Results.

/** A newer search supersedes one still loading; the same for audience comparisons. */
let searchRun = 0;

const resultMessage = (state: string, ...content: Child[]): HTMLElement => h('div', { class: 'find-state', 'data-state': state }, ...content);

const formatChange = (change: number): string => {
  const tenths = Math.round(change * 10) / 10;
  return `${tenths > 0 ? '+' : tenths < 0 ? '−' : ''}${Math.abs(tenths).toFixed(1)}`;
};

const topicCell = (item: Influencer, topic: string): HTMLElement => {
  const scored = item.topics.find((score) => score.topic === topic);
  return h(
    'td',
    { class: 'topic-score', 'data-topic': topic },
    scored
      ? [
          h('data', { value: scored.score }, formatScore(scored.score)),
          h('span', { class: 'topic-rank' }, h('span', { class: 'visually-hidden' }, 'rank '), `#${scored.rank}`),
        ]
      : [h('span', { 'aria-hidden': 'true' }, '–'), h('span', { class: 'visually-hidden' }, 'not scored')],
  );
};

const resultRow = (item: Influencer, search: Search): HTMLTableRowElement => {
  const first = search.topics[0]!;
  const label = accountLabel(item);
  return h(
    'tr',
    { 'data-account': accountKey(item) },
    h(
      'th',
      { scope: 'row', class: 'account' },
      h('a', { href: accountHref(item.network, item.id, first) }, label),
      h('span', { class: 'account-network' }, networkName(item.network)),
    ),
    h('td', { class: 'score relevance' }, h('data', { value: item.relevance }, formatScore(item.relevance))),
    h('td', { class: `rising ${item.rising > 0 ? 'up' : item.rising < 0 ? 'down' : ''}` }, h('data', { value: item.rising }, formatChange(item.rising))),
    h('td', { class: 'score overall' }, h('data', { value: item.score }, formatScore(item.score))),
    ...search.topics.map((topic) => topicCell(item, topic)),
    h('td', { class: 'trend' }, trendSparkline(item, first)),
    h('td', { class: 'pick' }, compareBox(item)),
    h('td', { class: 'pick' }, shortlistToggle(item, search)),
  );
};

/** "#a, #b on Mastodon, relevance at most 10": what the search asked, for the caption and the empty state. */
const searchDescription = (search: Search): string => {
  const bounds = [search.minScore && `at least ${search.minScore}`, search.maxScore && `at most ${search.maxScore}`].filter(Boolean).join(' and ');
  return `${topicList(search.topics)}${search.network ? ` on ${networkName(search.network)}` : ''}${bounds ? `, relevance ${bounds}` : ''}`;
};

const resultsTable = (search: Search): { table: HTMLTableElement; body: HTMLTableSectionElement } => {
  const caption = `Accounts by ${search.sort === 'rising' ? 'rise in relevance over 30 days' : 'relevance'} to ${searchDescription(search)}`;
  const body = h('tbody');
  const column = (text: Child, className?: string) => h('th', { scope: 'col', class: className }, text);
  const table = h(
    'table',
    { class: 'find-table' },
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        column('Account', 'account'),
        column('Relevance', 'score'),
        column('Rising', 'rising'),
        column('Overall', 'score'),
        ...search.topics.map((topic) => column([`#${topic}`, h('span', { class: 'visually-hidden' }, ' score and rank')], 'topic-score')),
        column(`#${search.topics[0]}, ${TREND_DAYS} days`, 'trend'),
        column('Compare', 'pick'),
        column('Shortlist', 'pick'),
      ),
    ),
    body,
  );
  return { table, body };
};

const emptyResult = (search: Search): HTMLElement => {
  const unscored = topicSizes.size ? search.topics.filter((topic) => !topicSizes.has(topic)) : [];
  const widen = [search.minScore || search.maxScore ? 'a wider relevance range' : '', search.network ? 'all networks' : ''].filter(Boolean);
  return resultMessage(
    'empty',
    h('p', {}, `No account matches ${searchDescription(search)}.`),
    h(
      'p',
      { class: 'hint' },
      unscored.length ? `Sway has no scores in ${topicList(unscored)}. ` : '',
      `Try other topics${widen.length ? `, or ${widen.join(' and ')}` : ''}.`,
    ),
  );
};

/** Says what the results now hold: to screen readers always, on screen only above a table (a state says it itself). */
const announce = (text: string, onScreen = false): void => {
  resultsStatus.textContent = text;
  resultsStatus.classList.toggle('visually-hidden', !onScreen);
};

const showResults = (...content: Child[]): void => show(results, ...content);

const runSearch = async (search: Search): Promise<void> => {
  const run = ++searchRun;
  resetComparison(search.topics[0] ?? null);
  if (!search.topics.length) {
    document.title = 'Campaign search · Sway';
    announce('');
    return showResults(
      resultMessage('no-topics', h('p', {}, 'Choose one or more topics above, then Search: the accounts that move them will be listed here.')),
    );
  }
  document.title = `${topicList(search.topics)} · Campaign search · Sway`;
  results.replaceChildren(h('p', { class: 'loading' }, 'Searching…'));
  results.setAttribute('aria-busy', 'true');
  announce('Searching…');
  const page = await searchPage(search, null);
  if (run !== searchRun) return;
  if (page.outcome === 'unreachable') return showUnreachable(mainRegion());
  if (page.outcome !== 'ok') {
    announce('That search did not work.');
    const detail = page.outcome === 'refused' ? page.detail : 'This Sway does not offer campaign search.';
    return showResults(
      resultMessage(
        'refused',
        h('p', { class: 'problem' }, h('strong', {}, 'That search did not work: '), detail),
        h('p', {}, 'Change the search above and try again.'),
      ),
    );
  }
  if (!page.data.items.length) {
    // The topic list tells an unknown topic from one nobody in the range has a score in.
    await topicsLoaded;
    if (run !== searchRun) return;
    announce('No account matches.');
    return showResults(emptyResult(search));
  }

  const { table, body } = resultsTable(search);
  let shown = 0;
  let cursor: string | null = null;
  const more = h('button', { type: 'button', class: 'secondary' }, 'More accounts');
  const append = ({ items, nextCursor }: InfluencerSearch): void => {
    body.append(...items.map((item) => resultRow(item, search)));
    shown += items.length;
    cursor = nextCursor;
    more.hidden = nextCursor === null;
    announce(
      `${shown} account${shown === 1 ? '' : 's'}, ${search.sort === 'rising' ? 'rising fastest' : 'most relevant'} first${nextCursor ? '; more below' : ''}.`,
      true,
    );
  };
  more.addEventListener('click', async () => {
    if (body.getAttribute('aria-busy') === 'true') return;
    body.setAttribute('aria-busy', 'true');
    const next = await searchPage(search, cursor);
    if (run !== searchRun) return;
    body.removeAttribute('aria-busy');
    if (next.outcome !== 'ok') {
      announce('The next accounts could not be loaded; try More again.', true);
      return;
    }
    const firstNew = body.rows.length;
    append(next.data);
    // Keyboard and screen-reader users go on from the first account added, not from the top.
    body.rows[firstNew]?.querySelector('a')?.focus();
  });
  append(page.data);
  showResults(h('div', { class: 'table-scroll' }, table), h('p', { class: 'more' }, more));
};

// ---- Comparing the audiences of two accounts, in the first topic searched.

let compared: Influencer[] = [];
let compareTopic: string | null = null;
let compareRun = 0;
const compareBoxes = new Map<string, HTMLInputElement>();

const compareBox = (item: Influencer): HTMLElement => {
  const box = h('input', { type: 'checkbox', class: 'compare-box' });
  compareBoxes.set(accountKey(item), box);
  box.addEventListener('change', () => {
    compared = compared.filter((account) => accountKey(account) !== accountKey(item));
    if (box.checked) compared.push(item);
    // Two at a time: ticking a third lets go of the first.
    while (compared.length > 2) {
      const dropped = compared.shift()!;
      const droppedBox = compareBoxes.get(accountKey(dropped));
      if (droppedBox) droppedBox.checked = false;
    }
    void renderComparison();
  });
  return h('label', { class: 'pick-label' }, box, h('span', { class: 'visually-hidden' }, `Compare ${accountLabel(item)}`));
};

const resetComparison = (topic: string | null): void => {
  compared = [];
  compareTopic = topic;
  compareBoxes.clear();
  void renderComparison();
};

const audienceItem = (measure: string, term: string, value: number, text: string): HTMLElement =>
  h('div', {}, h('dt', {}, term), h('dd', { 'data-measure': measure }, h('data', { value }, text)));

const renderComparison = async (): Promise<void> => {
  const run = ++compareRun;
  const [first, second] = compared;
  if (!compareTopic) return show(compareBody, h('p', { class: 'hint' }, 'Search first: then tick Compare on two accounts.'));
  if (!first || !second) {
    return show(
      compareBody,
      h(
        'p',
        { class: 'hint' },
        first
          ? `${accountLabel(first)} chosen: tick Compare on one more account.`
          : 'Tick Compare on two accounts to see how many of the people who engage with them in ',
        first ? null : h('strong', {}, `#${compareTopic}`),
        first ? null : ' they share.',
      ),
    );
  }
  compareBody.setAttribute('aria-busy', 'true');
  const audience = await getJson<Audience>(accountApiPath(first.network, first.id, '/audience'), {
    with: `${second.network}:${second.id}`,
    topic: compareTopic,
  });
  if (run !== compareRun) return;
  if (audience.outcome !== 'ok') {
    const why =
      audience.outcome === 'refused'
        ? audience.detail
        : audience.outcome === 'unreachable'
          ? 'Sway did not answer; tick again in a moment.'
          : 'Sway has no audience for one of them.';
    return show(compareBody, h('p', { class: 'problem', 'data-state': 'refused' }, `The audiences could not be compared: ${why}`));
  }
  const { engagers, withEngagers, shared, jaccard, estimated } = audience.data;
  show(
    compareBody,
    h('p', {}, `${accountLabel(first)} and ${accountLabel(second)}, in #${compareTopic}:`),
    h(
      'dl',
      { class: 'audience' },
      audienceItem('engagers', `Engage with ${accountLabel(first)}`, engagers, String(engagers)),
      audienceItem('with-engagers', `Engage with ${accountLabel(second)}`, withEngagers, String(withEngagers)),
      audienceItem('shared', 'Engage with both', shared, String(shared)),
      audienceItem('jaccard', 'Overlap (shared of either)', jaccard, formatPercent(jaccard)),
    ),
    estimated ? h('p', { class: 'hint' }, 'Estimates: an audience this large is counted from a sample Sway keeps of it.') : null,
  );
};

// ---- The shortlist, kept in localStorage.

let shortlist = readShortlist();
let shortlistKept = true;
const shortlistButtons = new Map<string, HTMLButtonElement>();

const storeShortlist = (entries: ShortlistEntry[]): void => {
  shortlist = entries;
  shortlistKept = saveShortlist(entries);
  renderShortlist();
};

const shortlistToggle = (item: Influencer, search: Search): HTMLButtonElement => {
  const key = accountKey(item);
  const button = h(
    'button',
    { type: 'button', class: 'toggle', 'aria-pressed': String(shortlist.some((entry) => accountKey(entry) === key)) },
    'Shortlist',
    h('span', { class: 'visually-hidden' }, ` ${accountLabel(item)}`),
  );
  shortlistButtons.set(key, button);
  button.addEventListener('click', () => {
    const kept = shortlist.some((entry) => accountKey(entry) === key);
    storeShortlist(
      kept
        ? shortlist.filter((entry) => accountKey(entry) !== key)
        : [...shortlist, { ...item, searchedTopics: search.topics, addedAt: new Date().toISOString() }],
    );
  });
  return button;
};

const renderShortlist = (): void => {
  const keys = new Set(shortlist.map(accountKey));
  for (const [key, button] of shortlistButtons) {
    if (button.isConnected) button.setAttribute('aria-pressed', String(keys.has(key)));
    else shortlistButtons.delete(key);
  }
  shortlistTitle.textContent = shortlist.length ? `Shortlist (${shortlist.length})` : 'Shortlist';
  downloadButton.disabled = shortlist.length === 0;
  show(
    shortlistBody,
    shortlist.length
      ? h(
          'ul',
          { class: 'shortlist-items' },
          ...shortlist.map((entry) => {
            const remove = h('button', { type: 'button', class: 'secondary' }, 'Remove', h('span', { class: 'visually-hidden' }, ` ${accountLabel(entry)}`));
            remove.addEventListener('click', () => {
              storeShortlist(shortlist.filter((kept) => accountKey(kept) !== accountKey(entry)));
              shortlistTitle.focus();
            });
            return h(
              'li',
              { 'data-account': accountKey(entry) },
              h('a', { href: accountHref(entry.network, entry.id, entry.searchedTopics[0]) }, accountLabel(entry)),
              h(
                'span',
                { class: 'shortlist-meta' },
                ` ${networkName(entry.network)} · relevance ${formatScore(entry.relevance)} to ${topicList(entry.searchedTopics)} · overall ${formatScore(entry.score)}`,
              ),
              remove,
            );
          }),
        )
      : h('p', { class: 'empty', 'data-state': 'empty-shortlist' }, 'Nothing shortlisted yet: press Shortlist on an account’s row to keep it here.'),
    shortlistKept ? null : h('p', { class: 'problem' }, 'This browser does not let the page keep the shortlist: it lasts until the page is closed.'),
  );
};

const downloadShortlist = (): void => {
  const csv = shortlistCsv(shortlist, window.location.origin);
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = h('a', { href: url, download: `sway-shortlist-${new Date().toISOString().slice(0, 10)}.csv`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later, not at once: the browser reads the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
};

// ---- Wiring.

const start = (): void => {
  document.querySelector('.site-nav a[href="/find"]')?.setAttribute('aria-current', 'page');
  networkField.append(...KNOWN_NETWORKS.map((network) => h('option', { value: network }, networkName(network))));
  const search = searchFromUrl();
  fillForm(search);

  entry.addEventListener('keydown', (event) => {
    // Enter adds the topic typed; in an empty box it submits the search, as elsewhere in the form.
    if (event.key !== 'Enter' || !entry.value.trim()) return;
    event.preventDefault();
    addEnteredTopic();
  });
  entry.addEventListener('input', () => entry.removeAttribute('aria-invalid'));
  element<HTMLButtonElement>('topic-add').addEventListener('click', () => addEnteredTopic());

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!addEnteredTopic()) return;
    const next = searchFromForm();
    if (!next.topics.length) {
      topicMessage.textContent = 'Choose at least one topic.';
      (choices.querySelector('input') ?? entry).focus();
    }
    const href = searchHref(next);
    if (href !== `${window.location.pathname}${window.location.search}`) window.history.pushState(null, '', href);
    void runSearch(next);
  });
  window.addEventListener('popstate', () => {
    const restored = searchFromUrl();
    fillForm(restored);
    void runSearch(restored);
  });

  downloadButton.addEventListener('click', downloadShortlist);
  onShortlistChangedElsewhere(() => {
    shortlist = readShortlist();
    renderShortlist();
  });
  renderShortlist();
  topicsLoaded = loadTopics();
  void runSearch(search);
};

enableSearchForms();
start();
