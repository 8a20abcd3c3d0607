/**
 * The web pages in a real Chromium (SWAY_CHROMIUM, else Debian's; driven by playwright-core) against `npm start -- --demo`:
 * the walk a newcomer takes, the chart, the explanation, pagination and filters, campaign search
 * (its form in the URL, the shortlist and its CSV, audience comparison), every friendly state,
 * accessibility (axe-core), the Content-Security-Policy (no page of any test may break it) and a
 * screenshot of each page at desktop and phone widths.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Account, History } from '../../lib/app/api/schemas';
import { pageSecurityHeaders } from '../../web/security-headers';
import { admin, drainAndRecompute, repoRoot, startLocalService, type LocalService } from '../support/local-service';

/** The Chromium to drive: SWAY_CHROMIUM, else Debian's. */
const CHROMIUM = process.env.SWAY_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const artifacts = join(repoRoot, 'tests/artifacts/web');
const axeSource = readFileSync(join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8');
const dataDir = mkdtempSync(join(tmpdir(), 'sway-browser-'));
const userDataDir = mkdtempSync(join(tmpdir(), 'sway-chromium-'));

let service: LocalService;
let browser: BrowserContext;
/** What Chromium reported against the Content-Security-Policy: `securitypolicyviolation` events and console messages. */
const cspViolations: string[] = [];

/** What the uPlot instance behind a chart element holds. */
type ChartElement = { uplot?: { data: number[][] } };

const open = async (path: string): Promise<Page> => {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${service.url}${path}`);
  return page;
};

/** The page once its script has filled in every region marked busy, and drawn each row's trend. */
const settled = async (page: Page): Promise<Page> => {
  await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
  await page.locator('.sparkline[aria-label="Loading the trend"]').first().waitFor({ state: 'detached' });
  return page;
};

const seriousViolations = async (page: Page): Promise<string[]> => {
  // Evaluated through the DevTools protocol: an inline <script> with axe would be refused by the CSP.
  await page.evaluate(axeSource);
  const violations = (await page.evaluate('axe.run().then((result) => result.violations)')) as {
    id: string;
    impact: string | null;
    nodes: { target: string[] }[];
  }[];
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
};

/** axe on the page, and screenshots at desktop and phone width. */
const checkPage = async (name: string, path: string): Promise<void> => {
  const page = await settled(await open(path));
  await page.screenshot({ path: join(artifacts, `${name}-desktop.png`), fullPage: true });
  expect(await seriousViolations(page), name).toEqual([]);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(artifacts, `${name}-phone.png`), fullPage: true });
  await page.close();
};

/**
 * The service requires API keys for lookups, as a deployment may: every page below works all the
 * same (their own requests carry the site key the gateway adds, as CloudFront does in AWS), while
 * this test's own lookups send a key of their own.
 */
const API_KEY = 'browser-test-key';
const api = async <T>(path: string): Promise<T> => (await (await fetch(`${service.url}${path}`, { headers: { 'x-api-key': API_KEY } })).json()) as T;
const rowLinks = (page: Page) => page.locator('table.leaderboard tbody th a').evaluateAll((links) => links.map((link) => link.getAttribute('href')));
const rowNumbers = (page: Page, cell: string) =>
  page.locator(`table.leaderboard tbody td.${cell}`).evaluateAll((cells) => cells.map((td) => td.textContent?.trim() ?? ''));

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  [service, browser] = await Promise.all([
    startLocalService({ dataDir, demo: true, env: { SWAY_API_KEYS: API_KEY } }),
    chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
  ]);
  // Generous: the machine running the tests may be busy.
  browser.setDefaultTimeout(60_000);
  await browser.exposeBinding('reportCspViolation', ({ page }, violation: string) => cspViolations.push(`${page.url()}: ${violation}`));
  await browser.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) =>
      reportCspViolation(event.effectiveDirective + ' refused ' + (event.blockedURI || 'inline') + ' (' + event.sourceFile + ':' + event.lineNumber + ')'));`,
  });
  browser.on('console', (message) => {
    if (/Content[ -]Security[ -]Policy|Refused to/i.test(message.text()))
      cspViolations.push(`${message.page()?.url()}: console ${message.type()}: ${message.text()}`);
  });
});

afterEach(() => {
  expect(cspViolations.splice(0), 'Content-Security-Policy violations').toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(userDataDir, { recursive: true, force: true });
});

describe('the web pages in Chromium', () => {
  it('requires keys of other clients: a lookup without one is refused, while the pages below all load', async () => {
    expect((await fetch(`${service.url}/v1/topics`)).status).toBe(401);
    expect((await fetch(`${service.url}/v1/topics`, { headers: { 'x-api-key': API_KEY } })).status).toBe(200);
  });

  it('walks from the index to a topic page to an account page by clicking', async () => {
    const page = await settled(await open('/'));
    const topics = page.locator('.topic-list a');
    expect(await topics.count()).toBeGreaterThanOrEqual(5);
    const topicName = (await topics.first().locator('.topic-name').textContent())!.replace('#', '');

    await topics.first().click();
    await page.waitForURL(`**/topics/${topicName}`);
    await settled(page);
    await expect(page.locator('h1').textContent()).resolves.toContain(topicName);
    const first = page.locator('table.leaderboard tbody tr').first();
    const handle = (await first.locator('th a').textContent())!;
    const score = (await first.locator('td.score data').getAttribute('value'))!;

    await first.locator('th a').click();
    await page.waitForURL(/\/accounts\/[^/]+\/[^/]+\?topic=/);
    await settled(page);
    expect(await page.locator('h1').textContent()).toBe(handle);
    // The topic chosen is the one the reader came from, and its score is the one the leaderboard showed.
    expect(await page.locator('#topic-choice').inputValue()).toBe(topicName);
    const topicRow = page.locator('table.topic-scores tbody tr', { has: page.locator(`a[href="/topics/${topicName}"]`) });
    expect(await topicRow.locator('td.score data').getAttribute('value')).toBe(score);
    await page.close();
  });

  it('draws the history chart with one point per day of the account’s history, for the topic chosen', async () => {
    const top = (await api<{ items: { network: string; id: string }[] }>('/v1/topics/astronomy/leaderboard?limit=1')).items[0]!;
    const page = await settled(await open(`/accounts/${top.network}/${encodeURIComponent(top.id)}?topic=astronomy`));
    const chart = page.locator('#history-chart');
    const chartPoints = () => chart.evaluate((element) => (element as ChartElement).uplot?.data[0]?.length ?? 0);

    const topicHistory = await api<History>(`/v1/accounts/${top.network}/${encodeURIComponent(top.id)}/history?topic=astronomy&days=90`);
    expect(topicHistory.length).toBeGreaterThan(20);
    expect(await chartPoints()).toBe(topicHistory.length);
    expect(await chart.evaluate((element) => (element as ChartElement).uplot?.data[1])).toEqual(topicHistory.map((point) => point.score));
    expect(await page.locator('.history-numbers tbody tr').count()).toBe(topicHistory.length);
    const canvas = await chart.locator('canvas').boundingBox();
    expect(canvas?.width).toBeGreaterThan(200);

    await page.locator('#topic-choice').selectOption('');
    await page.locator('#history-title', { hasText: 'Overall' }).waitFor();
    await settled(page);
    const overallHistory = await api<History>(`/v1/accounts/${top.network}/${encodeURIComponent(top.id)}/history?days=90`);
    expect(await chart.evaluate((element) => (element as ChartElement).uplot?.data[1])).toEqual(overallHistory.map((point) => point.score));
    expect(page.url()).not.toContain('topic=');
    await page.close();
  });

  it('shows factor bars whose values add up to the score shown, overall and per topic', async () => {
    const top = (await api<{ items: { network: string; id: string }[] }>('/v1/topics/jazz/leaderboard?limit=3')).items[2]!;
    const account = await api<Account>(`/v1/accounts/${top.network}/${encodeURIComponent(top.id)}`);
    const page = await settled(await open(`/accounts/${top.network}/${encodeURIComponent(top.id)}`));
    const factorSum = async () =>
      (await page.locator('.factor-points').evaluateAll((items) => items.map((item) => Number(item.getAttribute('value'))))).reduce(
        (sum, value) => sum + value,
        0,
      );
    const total = async () => Number(await page.locator('.factor-total data').getAttribute('value'));

    const overall = Number(await page.locator('#overall-score').getAttribute('value'));
    expect(overall).toBe(account.score);
    expect(await page.locator('.factor').count()).toBeGreaterThanOrEqual(3);
    expect(await total()).toBe(overall);
    expect(await factorSum()).toBeCloseTo(overall, 1);

    await page.locator('#topic-choice').selectOption('jazz');
    await page.locator('#history-title', { hasText: '#jazz' }).waitFor();
    await settled(page);
    const jazz = account.topics.find((entry) => entry.topic === 'jazz')!;
    expect(await total()).toBe(jazz.score);
    expect(await factorSum()).toBeCloseTo(jazz.score, 1);
    // Top engagers link to their own account pages.
    const engager = page.locator('.engagers a').first();
    await engager.click();
    await page.waitForURL(/\/accounts\/.+\?topic=jazz/);
    await settled(page);
    expect(await page.locator('h1').textContent()).toMatch(/^@/);
    await page.close();
  });

  it('pages through a leaderboard and filters it by network', async () => {
    const page = await settled(await open('/topics/astronomy'));
    const firstPage = await rowLinks(page);
    expect(firstPage).toHaveLength(20);
    expect((await rowNumbers(page, 'rank'))[0]).toBe('1');
    // Each row's 30-day trend is drawn by uPlot from the account's history in the topic.
    const trendPoints = await page
      .locator('.sparkline')
      .first()
      .evaluate((element) => (element as ChartElement).uplot?.data[0]?.length ?? 0);
    expect(trendPoints).toBeGreaterThan(20);

    await page.locator('a[rel="next"]').click();
    await settled(page);
    const secondPage = await rowLinks(page);
    expect((await rowNumbers(page, 'rank'))[0]).toBe('21');
    expect(secondPage.filter((link) => firstPage.includes(link))).toEqual([]);

    await page.locator('a[rel="prev"]').click();
    await settled(page);
    expect(await rowLinks(page)).toEqual(firstPage);

    await page.locator('nav.filters a', { hasText: 'Mastodon' }).click();
    await page.waitForURL('**/topics/astronomy?network=mastodon');
    await settled(page);
    const networks = await page.locator('table.leaderboard tbody td.network').allTextContents();
    expect(networks.length).toBeGreaterThan(0);
    expect(new Set(networks)).toEqual(new Set(['Mastodon']));
    expect(await page.locator('nav.filters a[aria-current="page"]').textContent()).toBe('Mastodon');
    expect(await rowLinks(page)).not.toEqual(firstPage);
    await page.close();
  });

  it('goes where the search box says: a topic, or network:handle', async () => {
    const page = await settled(await open('/'));
    await page.locator('#search').fill('#Urban_Cycling');
    await page.locator('#search').press('Enter');
    await page.waitForURL('**/topics/urban-cycling');

    const someone = (await api<{ items: { network: string; handle: string }[] }>('/v1/leaderboard?limit=1&network=mastodon')).items[0]!;
    await settled(page);
    await page.locator('#header-search').fill(`${someone.network}:${someone.handle}`);
    await page.locator('#header-search').press('Enter');
    await page.waitForURL(/\/accounts\/mastodon\//);
    await settled(page);
    expect(await page.locator('h1').textContent()).toBe(`@${someone.handle}`);
    await page.close();
  });

  it('answers an unknown page with the 404 page, and unknown topics and accounts with their own not-found state', async () => {
    const response = await fetch(`${service.url}/no/such/page`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('text/html');
    const unknownApi = await fetch(`${service.url}/v1/no-such-route`);
    expect([unknownApi.status, unknownApi.headers.get('content-type')]).toEqual([404, 'application/problem+json']);

    for (const path of ['/no/such/page', '/topics/no-such-topic', '/accounts/x/nobody-at-all']) {
      const page = await settled(await open(path));
      expect(await page.locator('[data-state="not-found"] h1').textContent()).toMatch(/not found/);
      await page.close();
    }
    await checkPage('404', '/no/such/page');
    await checkPage('topic-not-found', '/topics/no-such-topic');
  });

  it('says so when the API cannot be reached, and when there are no scores yet', async () => {
    const page = await browser.newPage();
    await page.route('**/v1/**', (route) => route.abort('connectionrefused'));
    await page.goto(`${service.url}/topics/astronomy`);
    await settled(page);
    expect(await page.locator('[data-state="unreachable"] h1').textContent()).toMatch(/cannot be reached/);
    await page.screenshot({ path: join(artifacts, 'unreachable-desktop.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();

    // Before the first recompute the API answers empty boards with no computedAt (lib/app/queries/read-board.ts).
    const empty = await browser.newPage();
    await empty.route(/\/v1\/topics\?/, (route) => route.fulfill({ json: { items: [], nextCursor: null } }));
    await empty.route(/\/v1\/leaderboard\?/, (route) => route.fulfill({ json: { items: [], nextCursor: null, computedAt: null } }));
    await empty.goto(`${service.url}/`);
    await settled(empty);
    expect(await empty.locator('[data-state="no-scores"]').count()).toBe(2);
    await empty.screenshot({ path: join(artifacts, 'no-scores-desktop.png'), fullPage: true });
    expect(await seriousViolations(empty)).toEqual([]);
    await empty.close();
  });

  it('serves every page under the Content-Security-Policy, and each draws its content without breaking it', async () => {
    const top = (await api<{ items: { network: string; id: string }[] }>('/v1/topics/climate/leaderboard?limit=1')).items[0]!;
    const account = `/accounts/${top.network}/${encodeURIComponent(top.id)}`;
    const pages = [
      { path: '/', script: true },
      { path: '/topics/climate', script: true },
      { path: '/topics/climate?network=bluesky', script: true },
      { path: account, script: true },
      { path: `${account}?topic=climate`, script: true },
      { path: '/method', script: false },
      { path: '/no/such/page', script: false },
      { path: '/topics/no-such-topic', script: true },
      { path: '/find?topics=climate,jazz', script: true },
    ];
    for (const { path, script } of pages) {
      const page = await browser.newPage();
      const assets: string[] = [];
      page.on('response', (response) => {
        if (new URL(response.url()).pathname.startsWith('/assets/')) assets.push(new URL(response.url()).pathname);
      });
      const response = await page.goto(`${service.url}${path}`);
      for (const [name, value] of Object.entries(pageSecurityHeaders)) expect(response!.headers()[name], `${path}: ${name}`).toBe(value);
      await settled(page);
      expect(
        assets.some((asset) => asset.endsWith('.css')),
        path,
      ).toBe(true);
      expect(
        assets.some((asset) => asset.endsWith('.js')),
        path,
      ).toBe(script);
      if (path.startsWith(account)) {
        expect(await page.locator('#history-chart canvas').count(), path).toBeGreaterThan(0);
        // Each factor's bar is its share of the track, so together they fill one track: sized, not refused.
        const [track, fills] = await page
          .locator('.factor-bar')
          .evaluateAll((bars) => [
            bars[0]!.getBoundingClientRect().width,
            bars.reduce((sum, bar) => sum + bar.firstElementChild!.getBoundingClientRect().width, 0),
          ]);
        expect(fills / track!, path).toBeCloseTo(1, 1);
      }
      await page.close();
      expect(cspViolations, path).toEqual([]);
    }

    // What breaks the policy is refused and reported.
    const page = await settled(await open('/method'));
    await page.evaluate(`{
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.append(script);
      document.body.setAttribute('style', 'color: red');
    }`);
    await expect.poll(() => cspViolations.length).toBeGreaterThanOrEqual(2);
    expect(await page.evaluate('window.inlineRan')).toBeUndefined();
    const reported = cspViolations.splice(0).join('\n');
    expect(reported).toMatch(/script-src/);
    expect(reported).toMatch(/style-src/);
    await page.close();
  });

  it('has no serious or critical accessibility violation on any page', async () => {
    const top = (await api<{ items: { network: string; id: string }[] }>('/v1/topics/climate/leaderboard?limit=1')).items[0]!;
    await checkPage('index', '/');
    await checkPage('topic', '/topics/climate');
    await checkPage('topic-filtered', '/topics/climate?network=bluesky');
    await checkPage('account', `/accounts/${top.network}/${encodeURIComponent(top.id)}?topic=climate`);
    await checkPage('method', '/method');
  });

  describe('the /find campaign search page', () => {
    interface Found {
      items: { network: string; id: string; relevance: number; rising: number }[];
      nextCursor: string | null;
    }
    const resultRows = (page: Page) => page.locator('table.find-table tbody tr');
    const resultLinks = (page: Page) => page.locator('table.find-table tbody th a').evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    const resultValues = (page: Page, cell: string) =>
      page.locator(`table.find-table tbody td.${cell} data`).evaluateAll((items) => items.map((item) => Number(item.getAttribute('value'))));
    const nonIncreasing = (values: number[]) => values.every((value, index) => index === 0 || value <= values[index - 1]!);
    const search = async (page: Page): Promise<void> => {
      await page.locator('#find-form button[type="submit"]').click();
      await settled(page);
    };
    const shortlisted = (page: Page) => page.locator('.shortlist-items li').evaluateAll((items) => items.map((item) => item.getAttribute('data-account')));

    it('finds accounts by relevance to two topics chosen in the form, each linking to its page, and a reload of its URL restores the search', async () => {
      const page = await settled(await open('/'));
      await page.locator('.site-nav a', { hasText: 'Campaign search' }).click();
      await page.waitForURL('**/find');
      await settled(page);
      expect(await page.locator('[data-state="no-topics"]').count()).toBe(1);
      expect(await page.locator('.site-nav a[aria-current="page"]').getAttribute('href')).toBe('/find');

      await page.locator('#topic-choices input[value="astronomy"]').check();
      await page.locator('#topic-choices input[value="jazz"]').check();
      await search(page);
      expect(new URL(page.url()).pathname).toBe('/find');
      expect(new URL(page.url()).searchParams.get('topics')).toBe('astronomy,jazz');

      const expected = await api<Found>('/v1/search/influencers?topics=astronomy,jazz&limit=20');
      expect(expected.items.length).toBeGreaterThan(1);
      const relevance = await resultValues(page, 'relevance');
      expect(relevance).toEqual(expected.items.map((item) => item.relevance));
      expect(nonIncreasing(relevance)).toBe(true);
      const links = await resultLinks(page);
      expect(links).toEqual(expected.items.map((item) => `/accounts/${item.network}/${encodeURIComponent(item.id)}?topic=astronomy`));
      expect(await page.locator('table.find-table thead th').allTextContents()).toEqual(
        expect.arrayContaining([expect.stringContaining('#astronomy'), expect.stringContaining('#jazz')]),
      );
      // Each row's trend is the account's history in the first topic.
      expect(await page.locator('table.find-table .sparkline').count()).toBe(relevance.length);
      expect(await page.locator('table.find-table .sparkline canvas').count()).toBeGreaterThan(0);

      if (expected.nextCursor) {
        await page.locator('button', { hasText: 'More accounts' }).click();
        await settled(page);
        const more = await resultValues(page, 'relevance');
        expect(more.length).toBeGreaterThan(relevance.length);
        expect(nonIncreasing(more)).toBe(true);
        expect(new Set(await resultLinks(page)).size).toBe(more.length);
      }

      await page.reload();
      await settled(page);
      expect(await page.locator('#topic-choices input:checked').evaluateAll((boxes) => boxes.map((box) => box.getAttribute('value')))).toEqual([
        'astronomy',
        'jazz',
      ]);
      expect(await resultLinks(page)).toEqual(links);

      await page.locator('table.find-table tbody th a').first().click();
      await page.waitForURL(/\/accounts\/[^/]+\/[^/]+\?topic=astronomy$/);
      await settled(page);
      expect(await page.locator('#topic-choice').inputValue()).toBe('astronomy');
      await page.close();
    });

    it('lists only accounts with relevance up to the highest asked, orders them by rising when asked, and goes back to the previous search', async () => {
      const page = await settled(await open('/find?topics=astronomy,jazz'));
      const relevance = await resultValues(page, 'relevance');
      expect(relevance.length).toBeGreaterThan(5);
      const bound = relevance[4]!;

      await page.locator('#find-max').fill(String(bound));
      await search(page);
      expect(new URL(page.url()).searchParams.get('maxScore')).toBe(String(bound));
      const bounded = await resultValues(page, 'relevance');
      expect(bounded.length).toBeGreaterThan(0);
      expect(bounded.every((value) => value <= bound)).toBe(true);
      expect(nonIncreasing(bounded)).toBe(true);

      await page.reload();
      await settled(page);
      expect(await page.locator('#find-max').inputValue()).toBe(String(bound));
      expect(await resultValues(page, 'relevance')).toEqual(bounded);

      await page.locator('#find-max').fill('');
      await page.locator('#find-sort').selectOption('rising');
      await search(page);
      expect(new URL(page.url()).searchParams.get('sort')).toBe('rising');
      expect(new URL(page.url()).searchParams.has('maxScore')).toBe(false);
      const rising = await resultValues(page, 'rising');
      expect(rising.length).toBeGreaterThan(1);
      expect(nonIncreasing(rising)).toBe(true);
      // The demo scores its first past day too, so the 30-day change is real: some accounts rose, or fell.
      expect(rising.some((value) => value !== 0)).toBe(true);
      const expected = await api<Found>('/v1/search/influencers?topics=astronomy,jazz&sort=rising&limit=20');
      expect(rising).toEqual(expected.items.map((item) => item.rising));
      // Signed: a rise reads +, a fall −.
      const shown = await page.locator('table.find-table tbody td.rising').allTextContents();
      rising.forEach((value, index) => {
        expect(shown[index], String(value)).toMatch(value >= 0.05 ? /^\+/ : value <= -0.05 ? /^−/ : /^0\.0$/);
      });

      await page.goBack();
      await settled(page);
      expect(new URL(page.url()).searchParams.get('maxScore')).toBe(String(bound));
      expect([await page.locator('#find-max').inputValue(), await page.locator('#find-sort').inputValue()]).toEqual([String(bound), 'relevance']);
      expect(await resultValues(page, 'relevance')).toEqual(bounded);
      await page.close();
    });

    it('says so when no account matches, and shows the problem the API states for a search it refuses', async () => {
      const page = await settled(await open('/find'));
      // By keyboard: a topic typed and added with Enter, then the form submitted from the Search button.
      await page.locator('#topic-entry').fill('No Such Topic Here');
      await page.locator('#topic-entry').press('Enter');
      expect(await page.locator('#topic-choices input[value="no-such-topic-here"]').isChecked()).toBe(true);
      await page.locator('#find-form button[type="submit"]').focus();
      await page.keyboard.press('Enter');
      await page.waitForURL('**/find?topics=no-such-topic-here');
      await settled(page);
      expect(await page.locator('table.find-table').count()).toBe(0);
      expect(await page.locator('[data-state="empty"]').textContent()).toContain('#no-such-topic-here');
      await page.close();

      const refused = await fetch(`${service.url}/v1/search/influencers?topics=astronomy&minScore=60&maxScore=10`, { headers: { 'x-api-key': API_KEY } });
      expect(refused.status).toBe(400);
      const { detail } = (await refused.json()) as { detail: string };
      const bad = await settled(await open('/find?topics=astronomy&minScore=60&maxScore=10'));
      expect(await bad.locator('[data-state="refused"]').textContent()).toContain(detail);
      // The form still holds the search, to be corrected.
      expect([await bad.locator('#find-min').inputValue(), await bad.locator('#find-max').inputValue()]).toEqual(['60', '10']);
      await bad.close();
    });

    it('keeps a shortlist in the browser across reloads and downloads it as CSV', async () => {
      const page = await settled(await open('/find?topics=astronomy,jazz'));
      await page.evaluate('window.localStorage.clear()');
      await page.reload();
      await settled(page);
      expect(await page.locator('[data-state="empty-shortlist"]').count()).toBe(1);
      expect(await page.locator('#shortlist-download').isDisabled()).toBe(true);

      const keys: string[] = [];
      for (const row of [resultRows(page).nth(0), resultRows(page).nth(2)]) {
        keys.push((await row.getAttribute('data-account'))!);
        await row.locator('button.toggle').click();
        expect(await row.locator('button.toggle').getAttribute('aria-pressed')).toBe('true');
      }
      expect(await shortlisted(page)).toEqual(keys);

      await page.reload();
      await settled(page);
      expect(await shortlisted(page)).toEqual(keys);
      expect(await page.locator('#shortlist-title').textContent()).toBe('Shortlist (2)');
      expect(await resultRows(page).nth(0).locator('button.toggle').getAttribute('aria-pressed')).toBe('true');
      expect(await resultRows(page).nth(1).locator('button.toggle').getAttribute('aria-pressed')).toBe('false');
      expect(await seriousViolations(page)).toEqual([]);

      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#shortlist-download').click()]);
      expect(download.suggestedFilename()).toMatch(/^sway-shortlist-\d{4}-\d{2}-\d{2}\.csv$/);
      const csv = readFileSync((await download.path())!, 'utf8');
      const lines = csv.split('\r\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(3);
      expect(lines[0]).toBe('network,id,handle,page,overall score,relevance,rising,searched topics,topic scores,added');
      expect(lines.slice(1).map((line) => line.split(',').slice(0, 2).join(':'))).toEqual(keys);
      for (const line of lines.slice(1)) expect(line).toContain(',astronomy jazz,');

      await page.locator('.shortlist-items li').first().locator('button', { hasText: 'Remove' }).click();
      expect(await shortlisted(page)).toEqual(keys.slice(1));
      expect(await resultRows(page).nth(0).locator('button.toggle').getAttribute('aria-pressed')).toBe('false');
      await page.evaluate('window.localStorage.clear()');
      await page.close();
    });

    it('compares the audiences of two accounts ticked, in the first topic searched', async () => {
      const page = await settled(await open('/find?topics=astronomy&network=mastodon'));
      expect(await page.locator('#find-network').inputValue()).toBe('mastodon');
      const [first, second, third] = await Promise.all([0, 1, 2].map(async (index) => (await resultRows(page).nth(index).getAttribute('data-account'))!));
      const compareBox = (index: number) => resultRows(page).nth(index).locator('input.compare-box');

      await compareBox(0).check();
      await settled(page);
      expect(await page.locator('#compare-body [data-measure]').count()).toBe(0);
      await compareBox(1).check();
      await settled(page);
      const [network, id] = [first!.slice(0, first!.indexOf(':')), first!.slice(first!.indexOf(':') + 1)];
      const expected = await api<{ engagers: number; withEngagers: number; shared: number; jaccard: number }>(
        `/v1/accounts/${network}/${encodeURIComponent(id)}/audience?with=${encodeURIComponent(second!)}&topic=astronomy`,
      );
      const measure = (name: string) => page.locator(`#compare-body [data-measure="${name}"] data`).getAttribute('value').then(Number);
      expect([await measure('engagers'), await measure('with-engagers'), await measure('shared'), await measure('jaccard')]).toEqual([
        expected.engagers,
        expected.withEngagers,
        expected.shared,
        expected.jaccard,
      ]);
      expect(await page.locator('#compare-body [data-measure="jaccard"]').textContent()).toMatch(/%$/);
      expect(await page.locator('#compare-body').textContent()).toContain('#astronomy');
      expect(await seriousViolations(page)).toEqual([]);

      // Two at a time: a third lets go of the first.
      await compareBox(2).check();
      await settled(page);
      expect([await compareBox(0).isChecked(), await compareBox(1).isChecked(), await compareBox(2).isChecked()]).toEqual([false, true, true]);
      expect(await page.locator('#compare-body').textContent()).toContain(await resultRows(page).nth(2).locator('th a').textContent());
      expect(third).not.toBe(first);
      await page.close();
    });

    it('is served under the Content-Security-Policy and has no serious or critical accessibility violation, at desktop and phone width', async () => {
      const response = await fetch(`${service.url}/find?topics=climate`);
      expect(response.status).toBe(200);
      for (const [name, value] of Object.entries(pageSecurityHeaders)) expect(response.headers.get(name), name).toBe(value);
      await checkPage('find', '/find?topics=astronomy,jazz');
      await checkPage('find-no-topics', '/find');
      await checkPage('find-empty', '/find?topics=no-such-topic-here');
    });
  });

  // Last: it changes the data the other tests read.
  it('shows the opted-out page for an account that opted out, once a recompute has removed it', async () => {
    const gone = (await api<{ items: { network: string; id: string }[] }>('/v1/topics/cooking/leaderboard?limit=1')).items[0]!;
    const path = `/accounts/${gone.network}/${encodeURIComponent(gone.id)}`;
    expect((await admin(service, `/v1${path}`, { method: 'DELETE' })).status).toBe(202);
    expect(await drainAndRecompute(service)).toMatchObject({ status: 'succeeded' });

    const page = await settled(await open(path));
    expect(await page.locator('[data-state="gone"] h1').textContent()).toBe('This account opted out');
    await page.close();
    const cooking = await settled(await open('/topics/cooking'));
    expect(await rowLinks(cooking)).not.toContain(`${path}?topic=cooking`);
    await cooking.close();
    await checkPage('opted-out', path);
  });
});
