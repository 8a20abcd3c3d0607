import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { acceptedValues, type RotatedSecret } from '../../wiring/config';
import { HttpProblem, problems } from '../../adapters/http/problem';
import { header, issuesAsErrors, json, queryParameters, rawBody } from '../../adapters/http/request';
import { ingestInteractions, type IngestPorts } from '../ingestion/ingest-interactions';
import { RetractionSchema } from '../../domain/interactions/retraction';
import { InteractionSchema, MAX_INGEST_BODY_BYTES } from '../../domain/interactions/schema';
import { metrics } from '../../adapters/observability';
import { notAfter, type Normalized } from '../../domain/networks/normalized';
import type { SubscriptionCheck, WebhookDelivery, WebhookMediaType, WebhookSecret, WebhookSource } from '../../domain/networks/webhook-source';

export interface WebhookPorts extends IngestPorts {
  /** The secret, and during a rotation the previous value, which signatures may still use. */
  secret(secret: WebhookSecret): Promise<RotatedSecret | undefined>;
  /** Delivery ids of the networks that send them: whether one was taken before, and remembering one. */
  deliveries: {
    seen(network: string, deliveryId: string): Promise<boolean>;
    remember(network: string, deliveryId: string, receivedAt: Date): Promise<void>;
  };
}

/** Longest delivery id remembered; a longer one is no id a provider sends, and is not trusted as one. */
const MAX_DELIVERY_ID_LENGTH = 128;

/** Enough of a zod report to fix a payload by; a random body would otherwise list thousands. */
const MAX_REPORTED_ISSUES = 20;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The JSON document in the body; GitHub's form deliveries carry it in the `payload` field. */
const decode = (body: Buffer, mediaType: WebhookMediaType): unknown => {
  try {
    const text = utf8.decode(body);
    if (mediaType === 'application/json') return JSON.parse(text);
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) throw new Error('no payload field');
    return JSON.parse(payload);
  } catch {
    throw problems.badRequest(mediaType === 'application/json' ? 'The body is not valid JSON.' : 'The body has no payload field holding valid JSON.');
  }
};

const canonicalIssues = (normalized: Normalized): Record<string, unknown>[] => [
  ...normalized.interactions.flatMap((interaction, index) => {
    const result = InteractionSchema.safeParse(interaction);
    return result.success ? [] : issuesAsErrors(result.error.issues).map((issue) => ({ interaction: index, ...issue }));
  }),
  ...normalized.retractions.flatMap((retraction, index) => {
    const result = RetractionSchema.safeParse(retraction);
    return result.success ? [] : issuesAsErrors(result.error.issues).map((issue) => ({ retraction: index, ...issue }));
  }),
];

/**
 * The flow every webhook shares: size (413), media type (415), secret (503 when not configured),
 * the provider's signature over the exact bytes (401), JSON (400), the provider's envelope (422),
 * its handshake, then normalization and the durable enqueue (202). Events that carry no
 * interaction are acknowledged as `ignored`, so the provider does not retry them.
 */
export const receiveWebhook = async <Payload>(
  source: WebhookSource<Payload>,
  event: APIGatewayProxyEventV2,
  ports: WebhookPorts,
  receivedAt = new Date(),
): Promise<APIGatewayProxyStructuredResultV2> => countingRefusals(source.name, () => receive(source, event, ports, receivedAt));

/**
 * The provider's GET subscription check (X's CRC, Meta's verification): its query (400 when it is
 * not one), the secret it is answered with (503 while not configured), and the source's answer —
 * JSON, or a text that is never cached, or a refusal (400, 403). Counted per network as a handshake
 * or a refusal.
 */
export const answerSubscriptionCheck = async (
  network: string,
  check: SubscriptionCheck,
  event: APIGatewayProxyEventV2,
  ports: Pick<WebhookPorts, 'secret'>,
): Promise<APIGatewayProxyStructuredResultV2> =>
  countingRefusals(network, async () => {
    const query = queryParameters(event, check.query);
    const secret = await ports.secret(check.secret);
    if (!secret) throw problems.notConfigured(`The ${network} ${check.secretLabel} is not configured.`);
    const answer = check.answer(query, { current: secret.current, accepted: acceptedValues(secret) });
    if ('refused' in answer) throw answer.refused === 403 ? problems.forbidden(answer.detail) : problems.badRequest(answer.detail);
    count(network, 'WebhookHandshakes', 1);
    if ('json' in answer) return json(200, answer.json);
    return { statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body: answer.text };
  });

/** Counts a refusal (any problem answered) per network, as it goes by. */
const countingRefusals = async <T>(network: string, work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HttpProblem) count(network, 'WebhookRefused', 1);
    throw error;
  }
};

/**
 * A count per network, published at once on its own: a dimension on the shared metrics instance
 * would leak between the requests one process serves at the same time on `npm start`.
 */
const count = (network: string, name: string, value: number): void => {
  metrics.singleMetric().addDimension('network', network).addMetric(name, MetricUnit.Count, value);
};

const receive = async <Payload>(
  source: WebhookSource<Payload>,
  event: APIGatewayProxyEventV2,
  ports: WebhookPorts,
  receivedAt: Date,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const body = rawBody(event);
  if (body.length > MAX_INGEST_BODY_BYTES) throw problems.payloadTooLarge('The body is larger than 1 MiB.');
  const mediaType = (header(event, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!source.mediaTypes.some((accepted) => accepted === mediaType)) {
    throw problems.unsupportedMediaType(`The ${source.name} webhook takes ${source.mediaTypes.join(' or ')}.`);
  }
  const secret = await ports.secret(source.secret);
  if (!secret) throw problems.notConfigured(`The ${source.name} webhook secret is not configured.`);
  const delivery: WebhookDelivery = { body, header: (name) => header(event, name), receivedAt };
  // The current value, then the one being rotated out: a provider moves to the new one on its own schedule.
  const verifications = acceptedValues(secret).map((value) => source.verify(value, delivery));
  const verification = verifications.find((candidate) => candidate.ok) ?? verifications[0]!;
  if (!verification.ok) throw problems.unauthorized(verification.detail);

  const parsed = source.parse(decode(body, mediaType as WebhookMediaType), delivery);
  if (!parsed.success) {
    throw problems.unprocessable(
      `The body is not a ${source.name} webhook delivery Sway understands; nothing was stored.`,
      issuesAsErrors(parsed.issues).slice(0, MAX_REPORTED_ISSUES),
    );
  }
  const handshake = source.handshake?.(parsed.data);
  if (handshake) {
    count(source.name, 'WebhookHandshakes', 1);
    return json(200, handshake);
  }

  const normalized = notAfter(source.normalize(parsed.data, delivery), receivedAt);
  const invalid = canonicalIssues(normalized);
  if (invalid.length > 0) {
    throw problems.unprocessable('The delivery holds values Sway cannot take as interactions; nothing was stored.', invalid.slice(0, MAX_REPORTED_ISSUES));
  }
  const deliveryId = source.deliveryIdHeader ? delivery.header(source.deliveryIdHeader)?.trim() : undefined;
  const replayable = deliveryId !== undefined && deliveryId.length > 0 && deliveryId.length <= MAX_DELIVERY_ID_LENGTH;
  if (replayable && (await ports.deliveries.seen(source.name, deliveryId))) {
    // A replay of a delivery taken before (or the provider's own redelivery of it): acknowledged,
    // and nothing queued again. Its interactions were counted when it was first taken.
    count(source.name, 'WebhookReplays', 1);
    return json(202, { accepted: 0, duplicates: normalized.interactions.length + normalized.retractions.length, ignored: normalized.ignored });
  }
  const result = await ingestInteractions(normalized.interactions, ports, receivedAt, normalized);
  // Remembered only once queued: a delivery that failed before is taken when the provider sends it again.
  if (replayable) await ports.deliveries.remember(source.name, deliveryId, receivedAt);
  count(source.name, 'InteractionsAccepted', result.accepted);
  count(source.name, 'InteractionsDuplicate', result.duplicates);
  count(source.name, 'EventsIgnored', result.ignored);
  return json(202, result);
};
