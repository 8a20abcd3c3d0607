import { httpHandler } from '../lib/adapters/http/handler';
import { problems } from '../lib/adapters/http/problem';
import { queryParameters } from '../lib/adapters/http/request';
import { MetaVerificationQuerySchema } from '../lib/domain/networks/meta/schema';
import { isMetaSubscription, metaWebhook } from '../lib/domain/networks/meta/source';
import { answerHandshake, receiveWebhook } from '../lib/app/webhooks/receive-webhook';
import { acceptedValues } from '../lib/wiring/config';
import { webhookPorts, type WebhookDependencies } from '../lib/wiring/webhook-ports';
import { stores, messageQueue } from '../lib/wiring/dependencies';
import { secrets } from '../lib/wiring/secrets';

/** GET: Meta's subscription verification (the challenge, as text); POST: Page and Instagram deliveries. */
export const createHandler = (dependencies: WebhookDependencies) =>
  httpHandler(async (event) => {
    if (event.requestContext.http.method !== 'GET') return receiveWebhook(metaWebhook, event, webhookPorts(dependencies));
    return answerHandshake('meta', async () => {
      const query = queryParameters(event, MetaVerificationQuerySchema);
      const verifyToken = await dependencies.secrets.webhook(metaWebhook.handshakeSecret!);
      if (!verifyToken) throw problems.notConfigured('The meta verify token is not configured.');
      if (!acceptedValues(verifyToken).some((token) => isMetaSubscription(query, token)))
        throw problems.forbidden('hub.mode is not subscribe or hub.verify_token does not match.');
      const challenge = query['hub.challenge'];
      if (!challenge) throw problems.badRequest('hub.challenge is missing.');
      return { statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body: challenge };
    });
  });

export const handler = createHandler({ stores, messageQueue, secrets });
