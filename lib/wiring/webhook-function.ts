/**
 * The function of every webhook network: one per network in AWS, each built from its source alone
 * (infra/constructs/function-build.ts writes its entry), so that it bundles only its own provider's
 * code; locally `loadHandler` builds it from the registry. A network has no file in functions/.
 */
import { httpHandler } from '../adapters/http/handler';
import { answerSubscriptionCheck, receiveWebhook, type WebhookPorts } from '../app/webhooks/receive-webhook';
import type { WebhookSource } from '../domain/networks/webhook-source';
import { messageQueue, stores, type Dependencies } from './dependencies';
import { secrets } from './secrets';

export type WebhookDependencies = Pick<Dependencies, 'stores' | 'messageQueue' | 'secrets'>;

/** What a webhook function needs: its secret, the queue, and the dedupe lookup. */
export const webhookPorts = ({ stores, messageQueue, secrets }: WebhookDependencies): WebhookPorts => {
  const { ingest } = stores();
  return {
    secret: secrets.webhook,
    queue: messageQueue(),
    appliedInteractions: (refs) => ingest.appliedInteractions(refs),
    deliveries: {
      seen: (network, deliveryId) => ingest.deliverySeen(network, deliveryId),
      remember: (network, deliveryId, receivedAt) => ingest.rememberDelivery(network, deliveryId, receivedAt),
    },
  };
};

/** A network's webhook function: POST, its deliveries; GET, the provider's subscription check where it has one. */
export const createWebhookHandler = <Payload>(source: WebhookSource<Payload>, dependencies: WebhookDependencies) =>
  httpHandler((event) => {
    const check = source.subscriptionCheck;
    if (check && event.requestContext.http.method === 'GET')
      return answerSubscriptionCheck(source.name, check, event, { secret: dependencies.secrets.webhook });
    return receiveWebhook(source, event, webhookPorts(dependencies));
  });

/** The handler a deployed webhook function runs: its source, with the default wiring. */
export const deployedWebhookHandler = <Payload>(source: WebhookSource<Payload>) => createWebhookHandler(source, { stores, messageQueue, secrets });
