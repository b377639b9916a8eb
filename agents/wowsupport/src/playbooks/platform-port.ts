import type { PlatformActions } from '#platform';
import type { PlatformCall, PlaybookPorts } from './run-playbook.ts';

/** The rollback's reply names the version it retired: what a roll-forward brings back. */
function retiredVersion(result: unknown): string {
  const hash = (result as { previousTreeHash?: unknown } | null)?.previousTreeHash;
  if (typeof hash !== 'string')
    throw new Error('the rollback recorded no version it retired; nothing to roll forward to');
  return hash;
}

/**
 * A playbook's platform actions through WowSupport's `ctx.platform`, each only as its
 * `platform:*` capability allows (refused by name otherwise), and audited by the platform
 * with the incident and the remedy as the reason. A redrive sends back only the dead
 * letters of the event type the error named, when it named one.
 */
export function platformPort(platform: PlatformActions): PlaybookPorts['platform'] {
  return (call: PlatformCall) => {
    const { agent, incidentId, eventType } = call.trouble;
    const why = { reason: call.reason.slice(0, 500), incident: incidentId, approvedBy: call.approvedBy };
    switch (call.action) {
      case 'redrive':
        return platform.redrive(agent, { ...why, eventType });
      case 'rollback':
        return platform.rollback(agent, why);
      case 'roll-forward':
        return platform.rollForward(agent, retiredVersion(call.result), why);
      case 'suspend':
        return platform.suspend(agent, why);
      case 'resume':
        return platform.resume(agent, why);
    }
  };
}
