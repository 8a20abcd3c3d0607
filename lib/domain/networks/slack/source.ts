import { hasValidSignature } from '../signature';
import { deliveryRoute, parseWith, type Verification, type WebhookDelivery, type WebhookSource } from '../webhook-source';
import { normalizeSlack } from './normalize';
import { SlackRequestSchema, type SlackRequest } from './schema';

/** Slack refuses requests whose timestamp is further than this from now, and so does Sway. */
export const SLACK_REPLAY_WINDOW_SECONDS = 300;

/**
 * Slack's v0 signing: `v0=` hex HMAC-SHA256 of `v0:<x-slack-request-timestamp>:<raw body>` with
 * the signing secret, and the timestamp within five minutes of now so a captured request cannot
 * be replayed later.
 */
export const verifySlackRequest = (
  signingSecret: string,
  body: Buffer,
  { signature, timestamp }: { signature: string | undefined; timestamp: string | undefined },
  now: Date,
): Verification => {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, detail: 'x-slack-request-timestamp is missing or not a Unix time.' };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > SLACK_REPLAY_WINDOW_SECONDS) {
    return {
      ok: false,
      detail: `x-slack-request-timestamp is more than ${SLACK_REPLAY_WINDOW_SECONDS} s from now; the request is refused as a possible replay.`,
    };
  }
  const signed = Buffer.concat([Buffer.from(`v0:${timestamp}:`, 'utf8'), body]);
  return hasValidSignature(signingSecret, signed, signature, { prefix: 'v0=', encoding: 'hex' })
    ? { ok: true }
    : { ok: false, detail: 'x-slack-signature is missing or does not match the request.' };
};

export const slackWebhook: WebhookSource<SlackRequest> = {
  name: 'slack',
  secret: { name: 'slack', envVar: 'SWAY_SECRET_SLACK' },
  routes: [
    deliveryRoute(
      'Slack Events API: url_verification answers {"challenge"}; x-slack-signature v0 over "v0:<timestamp>:<body>", timestamp within 300 s',
      SlackRequestSchema,
    ),
  ],
  mediaTypes: ['application/json'],
  verify: (secret, delivery: WebhookDelivery) =>
    verifySlackRequest(
      secret,
      delivery.body,
      { signature: delivery.header('x-slack-signature'), timestamp: delivery.header('x-slack-request-timestamp') },
      delivery.receivedAt,
    ),
  parse: (document) => parseWith(SlackRequestSchema, document, (data) => data),
  handshake: (request) => (request.kind === 'url_verification' ? { challenge: request.challenge } : undefined),
  normalize: (request) => normalizeSlack(request),
};
