import { hostname } from 'node:os';
import { createScheduleRunner, type ScheduleRunner } from '../agent/run-schedules.ts';
import type { Logger } from '../log/logger.ts';
import type { Store } from '../store/store.ts';
import type { Identity } from './create-identity.ts';

/** The schedule's row in agent_schedules: the platform's own, beside the agents'. */
const owner = { agentId: 'platform', name: 'identity' };
/** Rotation periods are counted in days; looking hourly rotates and retires keys within the hour. */
export const identityUpkeepIntervalMs = 3_600_000;

/**
 * Every hour (and once when a runtime starts): rotates the keys that reached their rotation
 * period and retires in their KMS those whose grace has ended. On the agents' schedule
 * runner, so however many runtimes share the database, one of them does it.
 */
export async function scheduleIdentityUpkeep(opts: {
  identity: Identity;
  store: Store;
  log: Logger;
}): Promise<ScheduleRunner> {
  const { identity, log } = opts;
  const runner = createScheduleRunner({
    store: opts.store,
    log,
    agentId: owner.agentId,
    instanceId: `${hostname()}:${process.pid}:identity`,
    intervals: new Map([[owner.name, identityUpkeepIntervalMs]]),
    async run() {
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
