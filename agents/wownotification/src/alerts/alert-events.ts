import { z } from 'zod';
import type { AlertInput } from './alert-ledger.ts';

// The events that mean an operator alert, each read for what the alert needs and turned
// into one: its kind (the event type), the agent it is about, how bad, the key that makes
// a repeat the same alert, and one line a person reads. The platform has checked each
// event's data against its model already; these schemas take only the fields used.

// Agent ids as folders name them: they are set in code spans and Slack text as they are.
const agentId = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
const line = (text: string, max: number) => {
  const plain = text.replace(/\s+/g, ' ').trim();
  return plain.length <= max ? plain : `${plain.slice(0, max - 1)}…`;
};

export const incidentOpened = z.looseObject({
  incidentId: z.uuid(),
  agentId,
  signals: z.array(z.unknown()).max(10),
});

const signalWords: Record<string, string> = { latency: 'slower than usual', errors: 'failing more than usual' };

/** WowAnalytics opened an incident: an agent failing more than its baseline is critical, one only slower a warning. */
export function incidentAlert(data: z.infer<typeof incidentOpened>): AlertInput {
  const signals = data.signals.filter((s): s is string => typeof s === 'string' && s in signalWords);
  return {
    type: 'support.incident.opened',
    agent: data.agentId,
    severity: signals.includes('errors') ? 'critical' : 'warning',
    key: `support.incident.opened:${data.incidentId}`,
    summary: `Incident: ${data.agentId} is ${signals.map((s) => signalWords[s]).join(' and ') || 'outside its baseline'}`,
    incidentId: data.incidentId,
  };
}

export const slaBreached = z.looseObject({
  ticketId: z.uuid(),
  clockId: z.uuid(),
  clock: z.enum(['first_response', 'next_response', 'resolution']),
  priority: z.enum(['urgent', 'high', 'normal', 'low']),
  tier: z.enum(['L1', 'L2', 'L3']),
  targetMinutes: z.number().int().min(0),
  dueAt: z.iso.datetime({ offset: true }),
});

/** A ticket's SLA clock ran out: the desk's (WowSupport's) alert, critical for urgent and high tickets. */
export function slaAlert(data: z.infer<typeof slaBreached>): AlertInput {
  return {
    type: 'support.sla.breached',
    agent: 'wowsupport',
    severity: data.priority === 'urgent' || data.priority === 'high' ? 'critical' : 'warning',
    key: `support.sla.breached:${data.clockId}`,
    summary:
      `SLA breached: the ${data.clock.replace('_', ' ')} of a ${data.priority} ticket at ${data.tier} ` +
      `was due ${data.dueAt} (target ${data.targetMinutes} min); ticket ${data.ticketId}`,
  };
}

export const violation = z.looseObject({
  kind: z.string().min(1).max(64),
  agent: agentId.optional(),
  source: z.string().max(80),
  reason: z.string().max(300),
});

/**
 * A refusal the platform counted. An agent's own doing is critical; a refusal at a door
 * (a stranger's bad signature) is a warning, one alert per kind and door however many come.
 */
export function violationAlert(data: z.infer<typeof violation>): AlertInput {
  return {
    type: 'security.violation',
    agent: data.agent ?? 'platform',
    severity: data.agent === undefined ? 'warning' : 'critical',
    key: `security.violation:${data.agent ?? `${data.kind}:${data.source}`}`,
    summary: line(`Security violation (${data.kind}) at ${data.source}: ${data.reason}`, 500),
  };
}

export const remedyWaiting = z.looseObject({
  incidentId: z.uuid(),
  agentId,
  playbook: z.string().min(1).max(100),
  remedy: z.string().min(1).max(100),
  risk: z.enum(['low', 'high']),
});

/** A playbook's high-risk remedy waits for an approver's /approve on the incident issue. */
export function remedyAlert(data: z.infer<typeof remedyWaiting>): AlertInput {
  return {
    type: 'support.incident.remedy_waiting',
    agent: data.agentId,
    severity: 'warning',
    key: `support.incident.remedy_waiting:${data.incidentId}:${data.remedy}`,
    summary:
      `Approval waiting: playbook ${data.playbook} wants to run the ${data.risk}-risk remedy ${data.remedy} ` +
      `on ${data.agentId}; an approver comments /approve on the incident issue`,
    incidentId: data.incidentId,
  };
}

export const approvalWaiting = z.looseObject({
  agentId,
  version: z.string().max(100),
  tier: z.string().max(40),
  // Capabilities as agent.yml spells them: set in Slack text and code spans as they are.
  capabilities: z
    .array(z.string().regex(/^[a-z][a-z0-9_-]*(:[a-z0-9_*-]+)*$/))
    .min(1)
    .max(50),
});

/**
 * A deployed agent's credential withholds capabilities beyond its tier until someone approves
 * them: one alert per agent and set of capabilities waiting, however often it is deployed.
 */
export function approvalAlert(data: z.infer<typeof approvalWaiting>): AlertInput {
  const capabilities = [...data.capabilities].sort();
  const first = capabilities[0] ?? '<capability>';
  return {
    type: 'identity.approval.waiting',
    agent: data.agentId,
    severity: 'warning',
    key: `identity.approval.waiting:${data.agentId}:${capabilities.join(',')}`,
    summary: line(
      `Approval waiting: ${data.agentId} ${data.version} declares ${capabilities.join(', ')} beyond its tier (${data.tier}), ` +
        `withheld until an approver runs wow identity approve ${data.agentId} ${first} --by <login>`,
      500,
    ),
  };
}

export const deployFailed = z.looseObject({
  agentId,
  version: z.string().max(100),
  treeHash: z.string().min(7).max(64),
  commit: z.string().min(7).max(64),
  reason: z.string().max(2000),
  activeTreeHash: z.string().max(64).nullable(),
});

/** `wow deploy` recorded a version as Failed: it never became Active. */
export function deployAlert(data: z.infer<typeof deployFailed>): AlertInput {
  const still =
    data.activeTreeHash === null ? 'nothing of it runs' : `${data.activeTreeHash.slice(0, 12)} stays Active`;
  return {
    type: 'agent.deploy.failed',
    agent: data.agentId,
    severity: 'critical',
    key: `agent.deploy.failed:${data.agentId}:${data.treeHash}`,
    summary: line(
      `Deploy failed: ${data.agentId} ${data.version} (${data.treeHash.slice(0, 12)}, commit ${data.commit.slice(0, 12)}) ` +
        `did not load, ${still}: ${data.reason}`,
      500,
    ),
  };
}
