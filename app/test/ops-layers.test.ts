import { describe, expect, it } from 'vitest';
import { agentLayer, identityLayer } from '../ops/layer-health.ts';
import type { OpsAgent } from '../ops/ops-figures.ts';

const agent = (id: string, over: Partial<OpsAgent> = {}): OpsAgent => ({
  id,
  name: id,
  kind: 'coe',
  status: 'Available',
  version: '1.0.0',
  liveInstances: 1,
  instances: 1,
  handled: 0,
  perHour: 0,
  errorRate: null,
  halted: null,
  openIncidents: [],
  ...over,
});
const incident = { openedAt: '2026-12-01T08:00:00.000Z', signals: ['latency'], issueNumber: null };

// The layers' health is derived from the registry, incidents and identities only: each rule, one case.
describe("the dashboard's layers", () => {
  it('judges a layer of agents from their status, incidents and halted identities', () => {
    const state = (agents: OpsAgent[]) => agentLayer(2, 'CoE agents', agents).state;
    expect(state([])).toBe('unknown');
    expect(state([agent('a'), agent('b', { status: 'Working' })])).toBe('healthy');
    expect(state([agent('a'), agent('b', { status: 'Offline' })])).toBe('degraded');
    expect(state([agent('a', { openIncidents: [incident] })])).toBe('degraded');
    expect(state([agent('a', { halted: 'suspended' })])).toBe('degraded');
    expect(state([agent('a', { status: 'Offline' }), agent('b', { status: 'Offline' })])).toBe('down');
    expect(
      agentLayer(3, 'Customer agents', [agent('a'), agent('b', { status: 'Offline', openIncidents: [incident] })]),
    ).toEqual({
      layer: 3,
      name: 'Customer agents',
      state: 'degraded',
      why: '1 of 2 live; 1 with an open incident or a halted identity.',
    });
  });

  it('judges identity from the platform DID and the halted agents', () => {
    expect(identityLayer(false, new Map()).state).toBe('down');
    expect(identityLayer(true, new Map()).state).toBe('healthy');
    expect(
      identityLayer(
        true,
        new Map([
          ['seo', 'suspended'],
          ['ads', 'revoked'],
        ]),
      ),
    ).toEqual({
      layer: 0,
      name: 'Identity',
      state: 'degraded',
      why: "The platform's DID resolves; 2 agents are suspended or revoked: ads, seo.",
    });
  });
});
