import type { OpsAgent } from './ops-figures.ts';

export type LayerState = 'healthy' | 'degraded' | 'down' | 'unknown';

export interface LayerHealth {
  layer: 0 | 1 | 2 | 3;
  name: string;
  state: LayerState;
  why: string;
}

/** Layer 0: the platform's identity: its DID resolves (it has a key), and which agents' identities are halted. */
export function identityLayer(published: boolean, halted: Map<string, 'suspended' | 'revoked'>): LayerHealth {
  const name = 'Identity';
  if (!published)
    return { layer: 0, name, state: 'down', why: 'The platform has no identity key: its DID does not resolve.' };
  if (halted.size > 0)
    return {
      layer: 0,
      name,
      state: 'degraded',
      why: `The platform's DID resolves; ${halted.size} agent${halted.size === 1 ? ' is' : 's are'} suspended or revoked: ${[
        ...halted.keys(),
      ]
        .sort()
        .join(', ')}.`,
    };
  return { layer: 0, name, state: 'healthy', why: "The platform's DID resolves and no agent is suspended or revoked." };
}

/** Layers 2 and 3: a layer of agents: down when none is live, degraded when one is offline, halted or in an incident. */
export function agentLayer(layer: 2 | 3, name: string, agents: OpsAgent[]): LayerHealth {
  if (agents.length === 0)
    return { layer, name, state: 'unknown', why: 'No such agent is registered or in AGENTS_DIR.' };
  const offline = agents.filter((a) => a.status === 'Offline').length;
  const troubled = agents.filter((a) => a.openIncidents.length > 0 || a.halted !== null).length;
  const counts = `${agents.length - offline} of ${agents.length} live; ${troubled} with an open incident or a halted identity.`;
  const state: LayerState = offline === agents.length ? 'down' : offline > 0 || troubled > 0 ? 'degraded' : 'healthy';
  return { layer, name, state, why: counts };
}
