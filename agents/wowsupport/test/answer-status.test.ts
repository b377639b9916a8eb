import { describe, expect, it } from 'vitest';
import type { AgentRow } from '#platform';
import { decideStatusAnswer } from '../src/tiers/answer-status.ts';

// L1's answer to "is <agent> working?" goes to whoever opened the ticket, a stranger until
// proved otherwise: it says the agent's status and nothing of how the platform runs it.
const deployedAgent: AgentRow = {
  id: 'wowvision',
  name: 'WowVision',
  version: '1.4.2',
  description: 'Architecture gate',
  status: 'Working',
  instances: 5,
  liveInstances: 3,
  inFlight: 2,
  lastHeartbeatAt: '2026-12-04T06:00:00.000Z',
  deployed: {
    state: 'Active',
    version: '1.4.2',
    treeHash: '9c1f0e2d3b4a59687766554433221100ffeeddcc',
    commit: 'abcdef0123456789abcdef0123456789abcdef01',
    activatedAt: '2026-12-01T10:00:00.000Z',
    runningInstances: 3,
  },
};

describe('the status answer a customer gets', () => {
  it('says each agent named is Available, Working or Offline, and nothing of instances, heartbeats, versions or commits', () => {
    const decision = decideStatusAnswer(
      [deployedAgent, { ...deployedAgent, id: 'wowsearch', name: 'WowSearch', status: 'Available', deployed: null }],
      [],
    );
    expect(decision.answer).toBe(true);
    const reply = decision.answer ? decision.reply : '';
    expect(reply.split('\n\n')[0]).toBe(
      'WowVision (wowvision) is Working. No incident is open for it.\nWowSearch (wowsearch) is Available. No incident is open for it.',
    );
    for (const internal of [
      'instance',
      'heartbeat',
      'version',
      '1.4.2',
      'commit',
      'abcdef0',
      '9c1f0e2',
      '2026-12',
      'deployed',
    ])
      expect(reply).not.toContain(internal);
  });

  it('leaves to a person an agent WowAnalytics reports an incident open for, and any status it could not report', () => {
    const report = (incident: boolean) => [
      {
        id: 'wowvision',
        judgement: { state: 'regressed' as const, signals: ['errors' as const], summary: 'errors 12% over 1%' },
        incident: incident
          ? {
              openedAt: '2026-12-04T05:00:00.000Z',
              issueNumber: 7,
              signals: ['errors' as const],
              description: '12% errors',
            }
          : null,
      },
    ];
    expect(decideStatusAnswer([deployedAgent], report(true))).toEqual({
      answer: false,
      reason:
        'the customer asks about an agent in trouble (wowvision has an incident open), which is an outage for a person, not an L1 answer',
    });
    expect(decideStatusAnswer([deployedAgent], report(false)).answer).toBe(true);
    expect(decideStatusAnswer([deployedAgent], undefined)).toEqual({
      answer: false,
      reason: 'the customer asks how an agent is doing, and WowAnalytics did not answer whether an incident is open',
    });
  });
});
