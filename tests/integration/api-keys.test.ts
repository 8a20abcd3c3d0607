/**
 * SWAY_API_KEYS through the local gateway and the real handlers (CONTRACT §4): a lookup without a
 * valid x-api-key is 401, a key over its rate is 429 with Retry-After, and neither touches the
 * signed, admin or public routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessSway, type Answer, type InProcessSway } from '../support/in-process-sway';
import { interaction } from '../support/interactions';

const RATE = 5;
const SITE_KEY = 'site-key-of-the-pages';
let sway: InProcessSway;
beforeAll(async () => {
  sway = await startInProcessSway({ apiKeys: ['key-one', 'key-two'], apiKeyRate: RATE, siteKey: SITE_KEY });
});

/** Waits for the start of the next clock second, so a burst of lookups falls in one counting window. */
const startOfSecond = () => new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));

const lookup = (key?: string) => sway.request({ method: 'GET', url: '/v1/topics', headers: key === undefined ? {} : { 'x-api-key': key } });

const expectProblem = (answer: Answer, status: number) => {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toBe('application/problem+json');
  expect(JSON.parse(answer.body)).toMatchObject({ status });
};

describe('lookups behind API keys', () => {
  it('answers 401 without a key or with a wrong one, and does not count those against any key', async () => {
    expectProblem(await lookup(), 401);
    expectProblem(await lookup('key-on'), 401);
    expectProblem(await lookup('key-one '), 401);
    expect(JSON.parse((await lookup('wrong')).body).detail).toMatch(/x-api-key/);
  });

  it('serves a valid key up to its rate, then answers 429 with Retry-After; another key is unaffected', async () => {
    await startOfSecond();
    const answers = [];
    for (let i = 0; i < RATE + 3; i++) answers.push(await lookup('key-one'));
    const statuses = answers.map((answer) => answer.status);
    // Counted per clock second: the first RATE pass, then 429 until the second ends.
    expect(statuses).toEqual([...Array(RATE).fill(200), ...Array(3).fill(429)]);
    const limited = answers.filter((answer) => answer.status === 429);
    for (const answer of limited) {
      expectProblem(answer, 429);
      expect(Number(answer.headers['retry-after'])).toBe(1);
      expect(answer.body).not.toMatch(/key-one/);
    }
    expect((await lookup('key-two')).status).toBe(200);
  });

  it('lets the key in again once Retry-After has passed', async () => {
    let limited = await lookup('key-one');
    for (let i = 0; i < RATE && limited.status !== 429; i++) limited = await lookup('key-one');
    expect(limited.status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, Number(limited.headers['retry-after']) * 1000 + 50));
    expect((await lookup('key-one')).status).toBe(200);
  });

  it('counts a key across instances: two stores with clients of their own and the gateway add to one count', async () => {
    const { LookupRateStore } = await import('../../lib/adapters/dynamodb/lookup-rate-store');
    const { Table } = await import('../../lib/adapters/dynamodb/table');
    const { createDocumentClient, dynamoDbLocalConfig } = await import('../../lib/adapters/dynamodb/dynamodb-client');
    // Two instances of the store, each with its own client, as two Lambda instances would have.
    const [first, second] = [0, 1].map(
      () => new LookupRateStore(new Table(createDocumentClient(dynamoDbLocalConfig(sway.tables.endpoint)), sway.tables.mainTable)),
    );
    await startOfSecond();
    const at = new Date();
    expect(await first!.count('key-two', at)).toBe(1);
    expect(await second!.count('key-two', at)).toBe(2);
    expect(await first!.count('key-two', at)).toBe(3);
    // Through the gateway, in the same second: the two counted there already leave RATE - 3 (+ this) lookups.
    const answers = [];
    for (let i = 0; i < RATE - 2; i++) answers.push((await lookup('key-two')).status);
    expect(answers).toEqual([...Array(RATE - 3).fill(200), 429]);
  });

  it("lets the pages' own lookups through with the site key the gateway adds (as CloudFront does), not held to a key's rate", async () => {
    const fromPages = (extra: Record<string, string> = {}) =>
      sway.request({ method: 'GET', url: '/v1/topics', headers: { 'sec-fetch-site': 'same-origin', ...extra } });
    await startOfSecond();
    const statuses = [];
    for (let i = 0; i < RATE + 3; i++) statuses.push((await fromPages()).status);
    expect(statuses).toEqual(Array(RATE + 3).fill(200));
    // The site key replaces a viewer's own key, as CloudFront's origin header does.
    expect((await fromPages({ 'x-api-key': 'wrong' })).status).toBe(200);
    // Not from the pages: no key added.
    expectProblem(await sway.request({ method: 'GET', url: '/v1/topics', headers: { 'sec-fetch-site': 'cross-site' } }), 401);
    // The site key itself, sent by hand, is what CloudFront's domain gives anyone in AWS.
    expect((await lookup(SITE_KEY)).status).toBe(200);
  });

  it('leaves public, admin and signed routes to their own checks', async () => {
    expect((await sway.request({ method: 'GET', url: '/healthz' })).status).toBe(200);
    expect((await sway.admin('GET', '/v1/admin/stats')).status).toBe(200);
    const accepted = await sway.ingest(JSON.stringify({ interactions: [interaction({ type: 'like' })] }));
    expect(accepted.status).toBe(202);
  });
});

afterAll(async () => {
  await sway?.stopConsumers();
});

describe('the generic secret in rotation', () => {
  it('takes batches signed with the new value or the previous one, and neither once the previous is gone', async () => {
    const { SIGNATURE_HEADER, signatureOf } = await import('../../cli/signature');
    const body = JSON.stringify({ interactions: [interaction({ type: 'like' })] });
    const signedWith = (secret: string) =>
      sway.request({
        method: 'POST',
        url: '/v1/interactions',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signatureOf(secret, Buffer.from(body)) },
        body,
      });
    const { variables } = sway;
    const current = variables.SWAY_SECRET_GENERIC!;
    Object.assign(variables, { SWAY_SECRET_GENERIC: 'generic-next', SWAY_SECRET_GENERIC_PREVIOUS: current });
    try {
      expect((await signedWith('generic-next')).status).toBe(202);
      expect((await signedWith(current)).status).toBe(202);
      expectProblem(await signedWith('neither'), 401);
      delete variables.SWAY_SECRET_GENERIC_PREVIOUS;
      expectProblem(await signedWith(current), 401);
    } finally {
      variables.SWAY_SECRET_GENERIC = current;
      delete variables.SWAY_SECRET_GENERIC_PREVIOUS;
    }
  });
});
