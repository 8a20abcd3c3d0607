import { httpHandler } from '../lib/adapters/http/handler';
import { problems } from '../lib/adapters/http/problem';
import { json, queryParameters } from '../lib/adapters/http/request';
import { answerHandshake, receiveWebhook } from '../lib/app/webhooks/receive-webhook';
import { XCrcQuerySchema } from '../lib/domain/networks/x/schema';
import { crcResponseToken, xWebhook } from '../lib/domain/networks/x/source';
import { webhookPorts, type WebhookDependencies } from '../lib/wiring/webhook-ports';
import { stores, messageQueue } from '../lib/wiring/dependencies';
import { secrets } from '../lib/wiring/secrets';

/** GET: X's challenge-response check; POST: Account Activity API deliveries. */
export const createHandler = (dependencies: WebhookDependencies) =>
  httpHandler(async (event) => {
    if (event.requestContext.http.method !== 'GET') return receiveWebhook(xWebhook, event, webhookPorts(dependencies));
    return answerHandshake('x', async () => {
      const { crc_token: crcToken } = queryParameters(event, XCrcQuerySchema);
      const secret = await dependencies.secrets.webhook(xWebhook.secret);
      if (!secret) throw problems.notConfigured('The x webhook secret is not configured.');
      // X checks the answer with the secret it holds: the current one (rotate at X first, then here).
      return json(200, { response_token: crcResponseToken(secret.current, crcToken) });
    });
  });

export const handler = createHandler({ stores, messageQueue, secrets });
