import { httpHandler } from '../lib/adapters/http/handler';
import { problems } from '../lib/adapters/http/problem';
import { json, queryParameters } from '../lib/adapters/http/request';
import { answerHandshake, receiveWebhook } from '../lib/app/webhooks/receive-webhook';
import { XCrcQuerySchema } from '../lib/domain/networks/x/schema';
import { crcResponseToken, xWebhook } from '../lib/domain/networks/x/source';
import { webhookSecret } from '../lib/adapters/secrets/secrets';
import { webhookPorts } from '../lib/wiring/webhook-ports';

/** GET: X's challenge-response check; POST: Account Activity API deliveries. */
export const handler = httpHandler(async (event) => {
  if (event.requestContext.http.method !== 'GET') return receiveWebhook(xWebhook, event, webhookPorts());
  return answerHandshake('x', async () => {
    const { crc_token: crcToken } = queryParameters(event, XCrcQuerySchema);
    const secret = await webhookSecret(xWebhook.secret);
    if (!secret) throw problems.notConfigured('The x webhook secret is not configured.');
    // X checks the answer with the secret it holds: the current one (rotate at X first, then here).
    return json(200, { response_token: crcResponseToken(secret.current, crcToken) });
  });
});
