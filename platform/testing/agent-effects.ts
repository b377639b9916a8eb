import { loadManifests } from '../agent/load-manifests.ts';
import { runOnce } from '../agent/run-once.ts';
import { createEvent, type EventInput } from '../bus/envelope.ts';
import { failureRateEvent, type FailureRateReport } from '../bus/failure-rate-event.ts';
import { createError } from '../errors/errors.ts';
import { enqueueOutbox } from '../outbox/enqueue-outbox.ts';
import type { PgQueryable, Store } from '../store/store.ts';

/** An agent's `ctx.once`, its `ctx.emit` into a transaction, and its `ctx.reportFailureRate`. */
export interface AgentEffects {
  once<T>(key: string, effect: (tx: PgQueryable) => Promise<T>): Promise<T>;
  emit(event: Omit<EventInput, 'source'>, opts: { tx: PgQueryable }): Promise<void>;
  reportFailureRate(report: FailureRateReport, opts: { tx: PgQueryable }): Promise<void>;
}

/**
 * `ctx.once` and `ctx.emit` of agent `id` over a test's own store, for tests that call an
 * agent's work directly (on PostgreSQL and PGlite alike) rather than through its host:
 * the host's ledger of keys, and events written to the outbox as the agent's, refused
 * (WOW_ERR_EVENT_UNDECLARED) unless its agent.yml lists them in `emits`; failure-rate
 * reports as the platform's, refused unless it holds `errors:report`.
 */
export async function agentEffects(opts: { store: Store; agentsDir: string; id: string }): Promise<AgentEffects> {
  const manifests = await loadManifests(opts.agentsDir);
  const manifest = manifests.find((m) => m.manifest.id === opts.id)?.manifest;
  if (manifest === undefined)
    throw createError('WOW_ERR_AGENT_NOT_FOUND', {
      id: opts.id,
      dir: opts.agentsDir,
      known: manifests.map((m) => m.manifest.id).join(', '),
    });
  return {
    async once(key, effect) {
      return (await runOnce(opts.store, manifest.id, key, effect)).result;
    },
    async emit(event, { tx }) {
      if (!manifest.emits.includes(event.type))
        throw createError('WOW_ERR_EVENT_UNDECLARED', { agent: manifest.id, type: event.type });
      await enqueueOutbox(tx, createEvent({ ...event, source: `urn:wow:agent:${manifest.id}` }));
    },
    async reportFailureRate(report, { tx }) {
      if (!manifest.capabilities.includes('errors:report'))
        throw createError('WOW_ERR_CAPABILITY_MISSING', {
          agent: manifest.id,
          what: 'error reports (error.occurred)',
          capability: 'errors:report',
        });
      await enqueueOutbox(tx, failureRateEvent(report, new Date()));
    },
  };
}
