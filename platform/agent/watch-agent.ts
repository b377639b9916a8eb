import { resolve } from 'node:path';
import type { Bus, Delivery } from '../bus/bus.ts';
import type { CloudEvent } from '../bus/envelope.ts';
import { platformEventTypes } from '../bus/platform-events.ts';
import { watchEveryTopic, type TopicWatcher } from '../bus/watch-every-topic.ts';
import { loadDomains } from '../domain/load-domains.ts';
import { createError } from '../errors/errors.ts';
import { grantsOf } from './capabilities.ts';
import { loadManifests } from './load-manifests.ts';
import type { AgentServices } from './create-agent-context.ts';

// The domains ship with the platform's code, wherever AGENTS_DIR points.
const domainsDir = new URL('../../domains/', import.meta.url).pathname;

/** How often the bus is asked for topics nobody declared (a new GitHub event). */
const rescanMs = 30_000;

/**
 * Starts an agent's `watch` handler over every topic on the bus, under its group
 * `<id>.watch`: the types the manifests (this host's and the runtime's AGENTS_DIR), the
 * domains and the platform declare at once, the rest as the bus first lists them.
 * Only with `bus:watch` declared (else WOW_ERR_CAPABILITY_MISSING at start) and not
 * withheld (else no watch, logged).
 */
export async function watchAgent(opts: {
  bus: Bus;
  services: AgentServices;
  withheld: readonly string[];
  /** The types this host's manifests declare. */
  known: readonly string[];
  /** Where this host loads agents from; the runtime's AGENTS_DIR is read too when it is elsewhere. */
  agentsDir: string;
  consumer: string;
  handle: (event: CloudEvent, delivery: Delivery) => Promise<void>;
}): Promise<TopicWatcher | undefined> {
  const { manifest } = opts.services;
  if (opts.withheld.includes('bus:watch')) {
    // Beyond its tier and not approved: the agent runs, its watch waits for the approval
    // (granted from the next start), as any withheld capability is refused where it is used.
    opts.services.log.error(
      { agent: manifest.id, code: 'WOW_ERR_CAPABILITY_WITHHELD' },
      createError('WOW_ERR_CAPABILITY_WITHHELD', {
        agent: manifest.id,
        what: 'watch (every event on the bus)',
        capability: 'bus:watch',
      }).message,
    );
    return undefined;
  }
  // Code that watches without the manifest declaring it is a mismatch, refused at start.
  if (!grantsOf(manifest.capabilities).watch)
    throw createError('WOW_ERR_CAPABILITY_MISSING', {
      agent: manifest.id,
      what: 'watch (every event on the bus)',
      capability: 'bus:watch',
    });
  const domainTypes = (await loadDomains(domainsDir)).flatMap((d) => d.domain.emits);
  const runtimeDir = resolve(opts.services.config.agents.dir);
  const elsewhere =
    runtimeDir === resolve(opts.agentsDir)
      ? []
      : (await loadManifests(runtimeDir)).flatMap((m) => [...m.manifest.wakesOn, ...m.manifest.emits]);
  return watchEveryTopic({
    bus: opts.bus,
    group: `${manifest.id}.watch`,
    consumer: opts.consumer,
    known: [...opts.known, ...elsewhere, ...platformEventTypes, ...domainTypes],
    handler: async (event, delivery) => {
      await opts.handle(event, delivery);
    },
    concurrency: manifest.concurrency ?? opts.services.config.agents.concurrency,
    rescanMs,
    log: opts.services.log,
  });
}
