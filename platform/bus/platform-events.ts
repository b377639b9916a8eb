import { deployedEventType } from '../deploy/version-registry.ts';

/** A refusal counted in `wow_security_violations_total`, published by the platform (platform/identity/report-violations.ts). */
export const securityViolationEventType = 'security.violation';

/**
 * The types the platform publishes itself, whichever agents and domains run: every GitHub
 * webhook the App door receives (`github.<event>.<action>`, written with the platform's
 * envelope), a deploy and a security violation. Agents and domains declare the rest
 * (`emits` in agent.yml and domain.yml).
 */
export const platformEventTypes: readonly string[] = ['github.*', deployedEventType, securityViolationEventType];
