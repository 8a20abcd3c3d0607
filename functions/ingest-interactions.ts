import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ingestInteractions } from '../lib/app/ingestion/ingest-interactions';
import { parseIngestRequest } from '../lib/app/ingestion/parse-ingest-request';
import { MAX_INGEST_BODY_BYTES } from '../lib/domain/interactions/schema';
import { httpHandler } from '../lib/adapters/http/handler';
import { problems } from '../lib/adapters/http/problem';
import { header, json, rawBody } from '../lib/adapters/http/request';
import { hasValidSignature } from '../lib/domain/networks/signature';
import { genericSecret } from '../lib/domain/networks/webhook-source';
import { metrics } from '../lib/adapters/observability';
import { acceptedValues } from '../lib/wiring/config';
import { stores, messageQueue, type Dependencies } from '../lib/wiring/dependencies';
import { secrets } from '../lib/wiring/secrets';

export const createHandler = ({ stores, messageQueue, secrets }: Pick<Dependencies, 'stores' | 'messageQueue' | 'secrets'>) =>
  httpHandler(
    async (event) => {
      const body = rawBody(event);
      if (body.length > MAX_INGEST_BODY_BYTES) throw problems.payloadTooLarge('The body is larger than 1 MiB.');
      const contentType = header(event, 'content-type') ?? '';
      if (!/^application\/json\s*(;|$)/i.test(contentType)) {
        throw problems.unsupportedMediaType('Send the interactions as application/json.');
      }
      const secret = await secrets.webhook(genericSecret);
      if (!secret) throw problems.notConfigured('The generic ingestion secret is not configured.');
      const signature = header(event, 'x-sway-signature');
      if (!acceptedValues(secret).some((value) => hasValidSignature(value, body, signature, { prefix: 'sha256=', encoding: 'hex' }))) {
        throw problems.unauthorized('x-sway-signature is missing or does not match the body.');
      }

      const parsed = parseIngestRequest(body);
      if (!parsed.ok) {
        throw parsed.problem === 'not-json' ? problems.badRequest(parsed.detail) : problems.unprocessable(parsed.detail, parsed.errors);
      }
      const { ingest: store } = stores();
      const result = await ingestInteractions(
        parsed.interactions,
        { queue: messageQueue(), appliedInteractions: (refs) => store.appliedInteractions(refs) },
        new Date(),
      );
      metrics.addMetric('InteractionsAccepted', MetricUnit.Count, result.accepted);
      metrics.addMetric('InteractionsDuplicate', MetricUnit.Count, result.duplicates);
      return json(202, result);
    },
    { emitsMetrics: true },
  );

export const handler = createHandler({ stores, messageQueue, secrets });
