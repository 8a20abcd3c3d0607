import type { z } from 'zod';
import { IngestResultSchema } from '../interactions/schema';
import { hasValidSignature } from './signature';
import type { Normalized } from './normalized';

/**
 * A secret deliveries are signed or verified with (CONTRACT §1), by name, and the environment
 * variable that carries it on one machine. In AWS each is a Secrets Manager secret of its own
 * (lib/wiring/config.ts names the variables that carry their ARNs).
 */
export interface WebhookSecret {
  name: string;
  envVar: string;
}

/** The batch API's secret (`POST /v1/interactions`), beside the webhooks' own. */
export const genericSecret: WebhookSecret = { name: 'generic', envVar: 'SWAY_SECRET_GENERIC' };

/** A secret's name: `generic` (the batch API's) or one a webhook source declares (lib/domain/networks/webhook-sources.ts lists them). */
export type SecretName = string;

/**
 * A route of a provider's webhook, at `/v1/webhooks/<network>`, served by `webhook-<network>`: the
 * route table (lib/wiring/webhook-routes.ts) and the OpenAPI document are built from these.
 */
export interface WebhookRoute {
  method: 'GET' | 'POST';
  summary: string;
  request?: { query?: z.ZodType; body?: z.ZodType };
  response: { status: number; schema?: z.ZodType; contentType?: string };
}

/** The route of a provider's deliveries: a POST answered 202 with what was queued; `body`, the schema OpenAPI shows, when one schema covers every event. */
export const deliveryRoute = (summary: string, body?: z.ZodType): WebhookRoute => ({
  method: 'POST',
  summary,
  ...(body ? { request: { body } } : {}),
  response: { status: 202, schema: IngestResultSchema },
});

/** One HTTP delivery from a provider, as received. */
export interface WebhookDelivery {
  /** The exact bytes of the body: signatures are over these. */
  body: Buffer;
  /** A request header by (case-insensitive) name. */
  header(name: string): string | undefined;
  receivedAt: Date;
}

export type Verification = { ok: true } | { ok: false; detail: string };

export type WebhookMediaType = 'application/json' | 'application/x-www-form-urlencoded';

export type ParseResult<Payload> = { success: true; data: Payload } | { success: false; issues: z.core.$ZodIssue[] };

/** A zod parse as a ParseResult, its data mapped by `as`. */
export const parseWith = <S extends z.ZodType, Payload>(schema: S, document: unknown, as: (data: z.infer<S>) => Payload): ParseResult<Payload> => {
  const parsed = schema.safeParse(document);
  return parsed.success ? { success: true, data: as(parsed.data) } : { success: false, issues: parsed.error.issues };
};

/** The values of a secret a check may use: the current one, and every value still accepted (the previous one during a rotation). */
export interface SecretValues {
  current: string;
  accepted: readonly string[];
}

/** What a subscription check answers: a JSON document or a text, or why it refuses (400 or 403). */
export type SubscriptionAnswer = { json: Record<string, unknown> } | { text: string } | { refused: 400 | 403; detail: string };

/**
 * A GET request by which the provider checks that the endpoint is the subscriber's (X's
 * challenge-response check, Meta's verification): its query, the secret it is answered with, and
 * the answer. Its route is among the source's `routes`.
 */
export interface SubscriptionCheck<Query = Record<string, unknown>> {
  query: z.ZodType<Query>;
  /** The delivery's secret, or a second one of its own (Meta's verify token). */
  secret: WebhookSecret;
  /** What the provider calls that secret, for the 503 while it is not configured: `webhook secret`, `verify token`. */
  secretLabel: string;
  answer(query: Query, secret: SecretValues): SubscriptionAnswer;
}

/** A subscription check, its query's type inferred from its schema and then forgotten, so every source holds the same type. */
export const subscriptionCheck = <Query>(check: SubscriptionCheck<Query>): SubscriptionCheck => check as unknown as SubscriptionCheck;

/**
 * A provider's webhook contract: which secret signs it and how, what it sends, and what its
 * deliveries mean. The request flow around it is the same for every provider (receive-webhook.ts).
 */
export interface WebhookSource<Payload> {
  /** Name in messages and metrics: x, meta, slack, … */
  name: string;
  secret: WebhookSecret;
  /** Its routes: the deliveries' POST, and a GET handshake where the provider has one. */
  routes: readonly WebhookRoute[];
  /** The provider's GET subscription check, where it has one. */
  subscriptionCheck?: SubscriptionCheck;
  /** The media types the provider sends. */
  mediaTypes: readonly WebhookMediaType[];
  /** Whether the delivery was signed with the secret: the provider's rule, over the exact bytes. */
  verify(secret: string, delivery: WebhookDelivery): Verification;
  /** The provider's document as a zod parse of the decoded body (the schema may depend on headers). */
  parse(document: unknown, delivery: WebhookDelivery): ParseResult<Payload>;
  /**
   * The header in which the provider names each delivery with an id it never gives another one
   * (GitHub's X-GitHub-Delivery, Discourse's X-Discourse-Event-Id): a delivery whose id was seen
   * before is a replay, acknowledged and not queued again.
   */
  deliveryIdHeader?: string;
  /** A handshake the provider sends as a signed delivery (Slack's url_verification): its answer body. */
  handshake?(payload: Payload): Record<string, unknown> | undefined;
  normalize(payload: Payload, delivery: WebhookDelivery): Normalized;
}

/** The common rule: `<prefix><HMAC-SHA256(secret, raw body)>` in one header, compared in constant time. */
export const hmacOfBody =
  (headerName: string, { prefix, encoding }: { prefix: string; encoding: 'hex' | 'base64' }) =>
  (secret: string, delivery: WebhookDelivery): Verification =>
    hasValidSignature(secret, delivery.body, delivery.header(headerName), { prefix, encoding })
      ? { ok: true }
      : { ok: false, detail: `${headerName} is missing or does not match the body.` };
