/**
 * Property tests of every webhook route: random and mutated bodies and headers never get a 5xx,
 * every refusal is problem+json, and nothing refused (or acknowledged without interactions) is
 * stored. Seeded, so a failure replays; fast-check prints the counterexample.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  apiGatewayEvent,
  fixture,
  fixtureDeliveries,
  githubFormBody,
  providerHeaders,
  testSecrets,
  webhookPath,
  WEBHOOK_NETWORKS,
  type WebhookNetwork,
} from '../support/webhook-deliveries';
import { loadWebhookHandlers } from '../support/webhook-handlers';
import { anyBody, edits, mutateJson } from '../support/fuzz-inputs';

const SEED = 20_261_125;
const RUNS = Number(process.env.SWAY_PROPERTY_RUNS ?? 30);

const SIGNATURE_HEADERS = ['x-twitter-webhooks-signature', 'x-hub-signature-256', 'x-hub-signature', 'x-slack-signature', 'x-discourse-event-signature'];
const REFUSALS = [400, 401, 413, 415, 422];

let webhooks: Awaited<ReturnType<typeof loadWebhookHandlers>>;
beforeAll(async () => {
  webhooks = await loadWebhookHandlers();
});

const send = (network: WebhookNetwork, body: Buffer, headers: Record<string, string>) =>
  webhooks.invoke(network, apiGatewayEvent({ method: 'POST', path: webhookPath(network), body, headers }));

/** The answer is a refusal as problem+json, and the queue holds what it held before. */
const expectRefusedAndNothingStored = async (response: Awaited<ReturnType<typeof send>>, allowed: number[]) => {
  expect(allowed).toContain(response.statusCode ?? 500);
  expect(response.headers?.['content-type']).toBe('application/problem+json');
  const problem = JSON.parse(String(response.body)) as { status: number; title: string };
  expect(problem.status).toBe(response.statusCode);
  expect(await webhooks.pending()).toBe(0);
};

const anyHeaders = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/x-www-form-urlencoded',
      'text/plain',
      '',
      'APPLICATION/JSON',
    ),
    signatureHeader: fc.constantFrom(...SIGNATURE_HEADERS),
    signature: fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constant('sha256='),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }).map((hex) => `sha256=${hex}`),
    ),
    'x-slack-request-timestamp': fc.oneof(fc.constant(String(Math.floor(Date.now() / 1000))), fc.string({ maxLength: 12 })),
    'x-github-event': fc.constantFrom('star', 'watch', 'fork', 'issues', 'issue_comment', 'pull_request', 'ping', 'x'),
    'x-discourse-event': fc.constantFrom('post_created', 'post_edited', 'post_destroyed', 'post_liked', 'ping', ''),
  },
  { requiredKeys: [] },
);

describe.each(WEBHOOK_NETWORKS)('POST %s webhook under random input', (network) => {
  const options = { seed: SEED, numRuns: RUNS };

  it('refuses random bodies with random headers: 401 or 415, problem+json, nothing stored', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, anyHeaders, async (body, { signatureHeader, signature, ...headers }) => {
        const sent = { ...headers, ...(signatureHeader && signature !== undefined ? { [signatureHeader]: signature } : {}) };
        await expectRefusedAndNothingStored(await send(network, body, sent), [401, 415]);
      }),
      options,
    );
  });

  it('refuses a signed delivery whose bytes were changed after signing: 401, nothing stored', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fixtureDeliveries[network]),
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 8 }),
        fc.constantFrom('flip', 'truncate', 'insert'),
        async ({ file, event }, position, bytes, how) => {
          const original = fixture(network, file);
          const headers = providerHeaders(network, original, event ? { event } : {});
          const at = position % original.length;
          const changed =
            how === 'flip'
              ? Buffer.from(original.map((byte, i) => (i === at ? byte ^ (bytes[0]! || 1) : byte)))
              : how === 'truncate'
                ? original.subarray(0, at)
                : Buffer.concat([original.subarray(0, at), Buffer.from(bytes), original.subarray(at)]);
          await expectRefusedAndNothingStored(await send(network, changed, headers), [401]);
        },
      ),
      options,
    );
  });

  it('refuses a delivery whose signature was tampered with or (Slack) replayed late: 401, nothing stored', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fixtureDeliveries[network]),
        fc.nat(),
        fc.integer({ min: 301, max: 86_400 }),
        async ({ file, event }, position, lateBy) => {
          const body = fixture(network, file);
          if (network === 'slack') {
            const late = providerHeaders(network, body, { now: new Date(Date.now() - lateBy * 1000) });
            await expectRefusedAndNothingStored(await send(network, body, late), [401]);
          }
          const headers = providerHeaders(network, body, event ? { event } : {});
          const name = SIGNATURE_HEADERS.find((header) => header in headers && header !== 'x-hub-signature') ?? 'x-hub-signature';
          const signature = headers[name]!;
          const at = position % signature.length;
          const tampered = signature.slice(0, at) + (signature[at] === 'a' ? 'b' : 'a') + signature.slice(at + 1);
          await expectRefusedAndNothingStored(await send(network, body, { ...headers, [name]: tampered }), [401]);
        },
      ),
      options,
    );
  });

  it('never fails on signed garbage: a 4xx problem storing nothing, or an acknowledgement', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          anyBody.map((body) => ({ body, event: undefined as string | undefined })),
          fc.tuple(fc.constantFrom(...fixtureDeliveries[network]), edits).map(([{ file, event }, changes]) => ({
            body: Buffer.from(JSON.stringify(mutateJson(JSON.parse(fixture(network, file).toString('utf8')), changes))),
            event,
          })),
        ),
        fc.boolean(),
        async ({ body, event }, asForm) => {
          const form = network === 'github' && asForm;
          const sent = form ? githubFormBody(body) : body;
          const headers = providerHeaders(network, sent, {
            ...(event ? { event } : {}),
            ...(form ? { contentType: 'application/x-www-form-urlencoded' } : {}),
          });
          const response = await send(network, sent, headers);
          const status = response.statusCode ?? 500;
          expect(status).toBeLessThan(500);
          if (status >= 400) {
            await expectRefusedAndNothingStored(response, REFUSALS);
            return;
          }
          const answer = JSON.parse(String(response.body)) as { accepted?: number };
          if (!answer.accepted) expect(await webhooks.pending()).toBe(0);
          await webhooks.drain();
        },
      ),
      { ...options, numRuns: RUNS * 3 },
    );
  });
});

/**
 * No handshake signs what a delivery route would accept (CONTRACT §3): whatever a GET handshake
 * answers for a token — a delivery body smuggled in as the token included — used as any
 * network's signature of that body, never gets the body accepted.
 */
describe('handshakes never sign a delivery', () => {
  const options = { seed: SEED, numRuns: RUNS * 3 };
  const handshake = (network: 'x' | 'meta', token: string) =>
    webhooks.invoke(
      network,
      apiGatewayEvent({
        method: 'GET',
        path: webhookPath(network),
        query: network === 'x' ? { crc_token: token } : { 'hub.mode': 'subscribe', 'hub.verify_token': testSecrets.metaVerifyToken, 'hub.challenge': token },
      }),
    );

  /** The MAC-like strings an answer offers: the whole answer, and the value of a JSON answer's token. */
  const offeredSignatures = (body: string): string[] => {
    try {
      const parsed = JSON.parse(body) as { response_token?: unknown };
      if (typeof parsed.response_token === 'string') return [parsed.response_token, parsed.response_token.replace(/^sha256=/, '')];
    } catch {
      // a text answer
    }
    return [body];
  };

  /** Every header any network signs with, set to what the handshake offered (as is and with the prefixes networks use). */
  const asSignatureHeaders = (offered: string): Record<string, string>[] =>
    SIGNATURE_HEADERS.flatMap((name) =>
      [offered, `sha256=${offered}`, `v0=${offered}`].map((value) => ({ [name]: value, 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)) })),
    );

  const deliveryBodies = fc.oneof(
    fc.constantFrom(...WEBHOOK_NETWORKS.flatMap((network) => fixtureDeliveries[network].map(({ file }) => fixture(network, file).toString('utf8')))),
    // The smallest forms a forger would try: one line, no spaces.
    fc.constantFrom(
      ...WEBHOOK_NETWORKS.flatMap((network) =>
        fixtureDeliveries[network].map(({ file }) => JSON.stringify(JSON.parse(fixture(network, file).toString('utf8')))),
      ),
    ),
    anyBody.map((body) => body.toString('utf8')),
  );

  it.each(['x', 'meta'] as const)('%s: a body sent as the handshake token is refused, or its answer signs nothing', async (handshakeNetwork) => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(deliveryBodies, async (body) => {
        const response = await handshake(handshakeNetwork, body);
        expect(response.statusCode).toBeLessThan(500);
        if (response.statusCode !== 200) {
          expect(response.headers?.['content-type']).toBe('application/problem+json');
          return;
        }
        answered++;
        for (const offered of offeredSignatures(String(response.body))) {
          for (const network of WEBHOOK_NETWORKS) {
            for (const headers of asSignatureHeaders(offered)) {
              const delivery = await send(network, Buffer.from(body), {
                'content-type': 'application/json',
                'x-github-event': 'star',
                'x-discourse-event': 'post_created',
                ...headers,
              });
              expect(delivery.statusCode, `${network} accepted a body signed by the ${handshakeNetwork} handshake`).toBeGreaterThanOrEqual(400);
            }
          }
        }
        expect(await webhooks.pending()).toBe(0);
      }),
      options,
    );
    // Random text reaches the signing step too, so the property is checked on real answers.
    expect(answered).toBeGreaterThan(0);
  });

  it('X refuses every fixture body and JSON-looking token with 400, and signs short plain tokens', async () => {
    for (const network of WEBHOOK_NETWORKS) {
      for (const { file } of fixtureDeliveries[network]) {
        const body = fixture(network, file).toString('utf8');
        for (const token of [body, JSON.stringify(JSON.parse(body))]) {
          const response = await handshake('x', token);
          expect(response.statusCode, `${network}/${file}`).toBe(400);
          expect(response.headers?.['content-type']).toBe('application/problem+json');
        }
      }
    }
    for (const token of ['[1]', '"quoted"', 'two words', 'tab\there', `${'a'.repeat(257)}`]) {
      expect((await handshake('x', token)).statusCode, token).toBe(400);
    }
    expect((await handshake('x', `${'a'.repeat(256)}`)).statusCode).toBe(200);
    expect((await handshake('x', 'Y2hhbGxlbmdl+/=')).statusCode).toBe(200);
  });
});
