import { deployedEventType, deployFailedEventType } from '../deploy/version-registry.ts';

/** A refusal counted in `wow_security_violations_total`, published by the platform (platform/identity/report-violations.ts). */
export const securityViolationEventType = 'security.violation';

/**
 * A deployed agent's credential withholds capabilities beyond its tier, waiting for an approver
 * (platform/identity/credentials/issue-credentials.ts), for WowNotification's operator alerts.
 */
export const approvalWaitingEventType = 'identity.approval.waiting';
/** Who publishes it: the platform's identity, through the outbox. */
export const approvalWaitingSource = 'urn:wow:identity';

/** A request circuit of one runtime opened, half-opened or closed (platform/communication/request-gates.ts), for WowCommunication. */
export const circuitChangedEventType = 'communication.circuit.changed';

/** An outside API's webhook the server's door verified by its connector's signature (agents/wowintegration). */
export const integrationWebhookEventType = 'integration.webhook.received';
/** A message dead-lettered or an agent failing above its baseline (platform/bus/report-dead-letters.ts), for WowSupport. */
export const errorOccurredEventType = 'error.occurred';
/** How one request ended (platform/communication/create-requester.ts), so WowEvent's archive and `wow trace` show replies. */
export const requestCompletedEventType = 'communication.request.completed';

/**
 * The types the platform publishes itself, whichever agents and domains run: every GitHub
 * webhook the App door receives (`github.<event>.<action>`, written with the platform's
 * envelope), a deploy and a failed one, a security violation, a capability waiting for approval, a request
 * circuit's change, a verified outside API's webhook, a dead letter's error and a request's outcome. Agents and domains declare the
 * rest (`emits` in agent.yml and domain.yml).
 */
export const platformEventTypes: readonly string[] = [
  'github.*',
  deployedEventType,
  deployFailedEventType,
  securityViolationEventType,
  approvalWaitingEventType,
  circuitChangedEventType,
  integrationWebhookEventType,
  errorOccurredEventType,
  requestCompletedEventType,
];
