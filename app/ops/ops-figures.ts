import { access } from 'node:fs/promises';
import {
  createDidResolver,
  didHostOf,
  didOf,
  haltedAgents,
  listAgents,
  loadManifests,
  type AgentManifest,
  type AgentStatus,
  type Bus,
  type Store,
} from '#platform';
import {
  isCustomerFacing,
  revenueFigures,
  trialFigures,
  type Pricing,
  type RevenueFigures,
  type TrialFigures,
} from '#domains/commerce';
import { tierFigures, type TierFigures } from '#domains/support';
import { agentThroughput, openIncidents } from '../../agents/wowanalytics/src/index.ts';
import { checkReadiness } from '../server/check-readiness.ts';
import { agentLayer, identityLayer, type LayerHealth } from './layer-health.ts';

/** The span every rate on the dashboard is over: throughput over a day, commerce and support over 30 days. */
export const throughputHours = 24;
export const spanDays = 30;

export interface OpsAgent {
  id: string;
  name: string;
  /** A customer agent (for hire in the marketplace) or one of the platform's CoE agents. */
  kind: 'customer' | 'coe';
  status: AgentStatus;
  /** The Active deployed version, else the registered one, else the manifest's. */
  version: string;
  liveInstances: number;
  instances: number;
  /** Events (tasks among them) handled in the last day, per hour, and the share that failed (null: none handled). */
  handled: number;
  perHour: number;
  errorRate: number | null;
  /** Set when WowSecurity suspended or revoked the agent's identity. */
  halted: 'suspended' | 'revoked' | null;
  openIncidents: { openedAt: string; signals: string[]; issueNumber: number | null }[];
}

export interface OpsFigures {
  at: string;
  agents: OpsAgent[];
  layers: LayerHealth[];
  trials: TrialFigures;
  revenue: RevenueFigures;
  support: TierFigures[];
}

export interface OpsFiguresDeps {
  store: Store;
  bus: Bus;
  /** AGENTS_DIR: which agents are customer agents, and those that never registered. */
  agentsDir: string;
  heartbeatTimeoutMs: number;
  pricing: Pricing;
  /** PUBLIC_URL: the host of the platform's DID. */
  publicUrl: string;
}

async function manifestsIn(agentsDir: string): Promise<AgentManifest[]> {
  // A server with no agents folder (a bare test checkout) knows only the registry's agents.
  const exists = await access(agentsDir).then(
    () => true,
    () => false,
  );
  return exists ? (await loadManifests(agentsDir)).map((m) => m.manifest) : [];
}

/**
 * What `/ops` and `/api/ops/figures` show, read afresh on each call: operators are few, and
 * a dashboard that lags the registry would hide the outage they came to look at.
 */
export function createOpsFigures(deps: OpsFiguresDeps): (now: Date) => Promise<OpsFigures> {
  // Read at the first look, not at start: a rejection then fails that request, not the process.
  let manifests: Promise<AgentManifest[]> | undefined;
  const knownAgents = () =>
    (manifests ??= manifestsIn(deps.agentsDir).catch((err: unknown) => {
      manifests = undefined;
      throw err;
    }));
  const host = didHostOf(deps.publicUrl);
  return async (now) => {
    const since = new Date(now.getTime() - spanDays * 86_400_000);
    const resolver = createDidResolver({ db: deps.store, host, clock: () => now });
    const [known, registry, throughput, incidents, halted, readiness, platformDid, trials, revenue, support] =
      await Promise.all([
        knownAgents(),
        listAgents(deps.store, { heartbeatTimeoutMs: deps.heartbeatTimeoutMs }),
        agentThroughput(deps.store, now, throughputHours),
        openIncidents(deps.store),
        haltedAgents(deps.store),
        // The figures are shown whatever fails: a dependency's failure is itself the figure.
        checkReadiness({ database: () => deps.store.ping(), bus: () => deps.bus.ping() }, 2000, () => undefined),
        resolver.resolve(didOf(host, 'platform')),
        trialFigures(deps.store, since),
        revenueFigures(deps.store, deps.pricing, now, spanDays),
        tierFigures(deps.store, since),
      ]);
    const byId = new Map(known.map((m) => [m.id, m]));
    const registered = new Map(registry.map((a) => [a.id, a]));
    const ids = [...new Set([...registered.keys(), ...byId.keys()])].sort();
    const agents = ids.map((id): OpsAgent => {
      const row = registered.get(id);
      const manifest = byId.get(id);
      const t = throughput.get(id);
      return {
        id,
        name: row?.name ?? manifest?.name ?? id,
        kind: manifest !== undefined && isCustomerFacing(manifest) ? 'customer' : 'coe',
        status: row?.status ?? 'Offline',
        version: row?.deployed?.version ?? row?.version ?? manifest?.version ?? '',
        liveInstances: row?.liveInstances ?? 0,
        instances: row?.instances ?? 0,
        handled: t?.handled ?? 0,
        perHour: t?.perHour ?? 0,
        errorRate: t?.errorRate ?? null,
        halted: halted.get(id) ?? null,
        openIncidents: incidents
          .filter((i) => i.agentId === id)
          .map((i) => ({ openedAt: i.openedAt.toISOString(), signals: i.signals, issueNumber: i.issueNumber })),
      };
    });
    const unreachable = Object.entries(readiness)
      .filter(([, state]) => state !== 'ok')
      .map(([name]) => name);
    return {
      at: now.toISOString(),
      agents,
      layers: [
        identityLayer(platformDid.didDocument !== null, halted),
        {
          layer: 1,
          name: 'Infrastructure',
          state: unreachable.length === 0 ? 'healthy' : 'down',
          why:
            unreachable.length === 0
              ? 'The database and the bus answer.'
              : `Unreachable from this server: ${unreachable.join(', ')}.`,
        },
        agentLayer(
          2,
          'CoE agents',
          agents.filter((a) => a.kind === 'coe'),
        ),
        agentLayer(
          3,
          'Customer agents',
          agents.filter((a) => a.kind === 'customer'),
        ),
      ],
      trials,
      revenue,
      support,
    };
  };
}
