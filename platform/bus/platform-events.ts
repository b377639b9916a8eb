import { deployedEventType } from '../deploy/version-registry.ts';

/**
 * The types the platform publishes itself, whichever agents and domains run: every GitHub
 * webhook the App door receives (`github.<event>.<action>`, written with the platform's
 * envelope) and a deploy. Agents and domains declare the rest (`emits` in agent.yml and
 * domain.yml).
 */
export const platformEventTypes: readonly string[] = ['github.*', deployedEventType];
