// Node-side only: the workflow sandbox must never import this (it opens sockets).
export { OutboundRefusedError, OutboundTimeoutError } from './errors';
export { parseAllowList, type AllowList } from './allow-list';
export {
  classifyAddress,
  createOutboundPolicy,
  type AddressClass,
  type OutboundDecision,
  type OutboundPolicy,
} from './policy';
export { policyLookup, resolveAllowed, systemResolver, type ResolvedAddress, type Resolver } from './lookup';
export { systemConnector, type ConnectTarget, type Connector } from './connect';
export {
  createOutboundClient,
  type OutboundClient,
  type OutboundClientOptions,
  type OutboundRequest,
  type OutboundResponse,
} from './request';
export { signedUrl, signWebhook, type SignedDelivery } from './signature';
export { parseWebhookSecrets, signingSecret, SECRET_NAME, type WebhookSecrets } from './signing-secrets';
export { keptResponseBody, KEPT_BODY_BYTES } from './response-body';
