import { hostname } from 'node:os';
import { createScheduleRunner, type ScheduleRunner } from '../agent/run-schedules.ts';
import type { Logger } from '../log/logger.ts';
import type { Store } from '../store/store.ts';
import type { Identity } from './create-identity.ts';

/** The schedule's row in agent_schedules: the platform's own, beside the agents'. */
const owner = { agentId: 'platform', name: 'identity', credentials: 'identity-credentials' };
/** Rotation periods are counted in days; looking hourly rotates and retires keys within the hour. */
export const identityUpkeepIntervalMs = 3_600_000;
/**
 * Credentials are renewed when half their life is left; looking four times per life finds
 * each with a quarter of it still to go, time for a retry or two if the KMS fails.
 */
export const credentialRenewalIntervalMs = (ttlSeconds: number) =>
  Math.max(Math.floor((ttlSeconds * 1000) / 4), 15_000);

/**
 * Every hour (and once when a runtime starts): rotates the keys that reached their rotation
 * period and retires in their KMS those whose grace has ended. Every quarter of a
 * credential's life: renews the agents' credentials that are due. On the agents' schedule
 * runner, so however many runtimes share the database, one of them does it.
 */
export async function scheduleIdentityUpkeep(opts: {
  identity: Identity;
  store: Store;
  log: Logger;
  /** IDENTITY_CREDENTIAL_TTL_SECONDS. */
  credentialTtlSeconds: number;
}): Promise<ScheduleRunner> {
  const { identity, log } = opts;
  const runner = createScheduleRunner({
    store: opts.store,
    log,
    agentId: owner.agentId,
    instanceId: `${hostname()}:${process.pid}:identity`,
    intervals: new Map([
      [owner.name, identityUpkeepIntervalMs],
      [owner.credentials, credentialRenewalIntervalMs(opts.credentialTtlSeconds)],
    ]),
    async run(name) {
      if (name === owner.credentials) {
        const { renewed, failed } = await identity.credentials.renewDue({ actor: 'schedule' });
        if (failed.length > 0)
          throw new Error(`credentials of ${failed.map((f) => f.agentId).join(', ')} could not be renewed`);
        if (renewed.length > 0) log.info({ renewed }, 'identity upkeep: credentials renewed');
        return;
      }
      const rotated = await identity.rotateDue({ actor: 'schedule' });
      const { retired, failed } = await identity.retireExpired({ actor: 'schedule' });
      if (rotated.length + retired.length + failed.length > 0)
        log.info(
          { rotated: rotated.map((r) => r.next.kid), retired, failed: failed.map((f) => f.kid) },
          'identity upkeep: keys rotated and retired',
        );
    },
  });
  await runner.start();
  return runner;
}
