/**
 * The web pages in a real Chromium (SWAY_CHROMIUM, else Debian's; driven by playwright-core) against `npm start -- --demo`:
 * the walk a newcomer takes, the chart, the explanation, pagination and filters, every friendly
 * state, accessibility (axe-core), the Content-Security-Policy (no page of any test may break it)
 * and a screenshot of each page at desktop and phone widths.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Account, History } from '../../lib/api/schemas';
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
    if (/Content[ -]Security[ -]Policy|Refused to/i.test(message.text())) cspViolations.push(`${message.page()?.url()}: console ${message.type()}: ${message.text()}`);
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
      (await page.locator('.factor-points').evaluateAll((items) => items.map((item) => Number(item.getAttribute('value'))))).reduce((sum, value) => sum + value, 0);
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
    const trendPoints = await page.locator('.sparkline').first().evaluate((element) => (element as ChartElement).uplot?.data[0]?.length ?? 0);
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

    // Before the first recompute the API answers empty boards with no computedAt (lib/leaderboards/read-board.ts).
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
      expect(assets.some((asset) => asset.endsWith('.css')), path).toBe(true);
      expect(assets.some((asset) => asset.endsWith('.js')), path).toBe(script);
      if (path.startsWith(account)) {
        expect(await page.locator('#history-chart canvas').count(), path).toBeGreaterThan(0);
        // Each factor's bar is its share of the track, so together they fill one track: sized, not refused.
        const [track, fills] = await page
          .locator('.factor-bar')
          .evaluateAll((bars) => [bars[0]!.getBoundingClientRect().width, bars.reduce((sum, bar) => sum + bar.firstElementChild!.getBoundingClientRect().width, 0)]);
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
