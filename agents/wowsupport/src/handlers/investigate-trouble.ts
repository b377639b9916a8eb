import { z } from 'zod';
import type { EventInput } from '#platform';
import type { DeskContext } from '../desk-settings.ts';
import { approveRemedy, type IncidentComment } from '../playbooks/approve-remedy.ts';
import { investigate, type InvestigateDeps } from '../playbooks/investigate.ts';
import { loadPlaybooks } from '../playbooks/load-playbooks.ts';
import type { IncidentGitHub } from '../playbooks/playbook-audit.ts';
import { openErrorIssue } from '../playbooks/error-issue.ts';
import { platformPort } from '../playbooks/platform-port.ts';
import { matchPlaybooks, type JsonValue, type PlaybookPorts, type Trouble } from '../playbooks/run-playbook.ts';
import { tellIntegrationRestored } from '../playbooks/tell-integration-restored.ts';
import { confirmRecovery, undoRemedy } from '../playbooks/verify-remedy.ts';

// The playbooks ship with the checkout, beside agents/.
const playbooksDir = new URL('../../../../playbooks/', import.meta.url).pathname;

export const incidentOpened = z.object({
  incidentId: z.uuid(),
  agentId: z.string().max(64),
  signals: z.array(z.string()),
  figures: z.unknown(),
});

// WowAnalytics' judgement of the windows after a remedy; a resolved incident needs only its id here.
export const incidentUnrecovered = z.object({
  incidentId: z.uuid(),
  agentId: z.string().max(64),
  windows: z.int().min(1).max(12),
  judgement: z.string().max(1000),
});
export const incidentResolved = z.object({ incidentId: z.uuid() });
// The same judgement, of an error's remedy no incident stands behind, when it helped.
export const remedyRecovered = incidentUnrecovered;

export const errorOccurred = z.object({
  kind: z.enum(['dead_letter', 'failure_rate']),
  agent: z.string().max(64),
  eventType: z.string().max(200).optional(),
  code: z.string().max(80),
  sample: z.record(z.string(), z.string()),
  incidentId: z.uuid().optional(),
});

/** How WowSupport's context reaches the agents a playbook asks and acts through. */
function ports(ctx: DeskContext): PlaybookPorts {
  return {
    // A playbook's request types are data (playbooks/*.yml): the requester still refuses any agent.yml does not emit.
    request: (type, input: JsonValue, timeoutMs) =>
      // wowvision-disable-next-line manifests-declare-emits -- playbooks name their request types; ctx.request checks them against emits
      ctx.request({ type, data: input }, timeoutMs === undefined ? undefined : { timeoutMs }),
    // Redrive, rollback and suspend as `wow` does them, granted by WowSupport's platform:* capabilities once approved.
    platform: platformPort(ctx.platform),
  };
}

async function deps(ctx: DeskContext): Promise<InvestigateDeps> {
  const loaded = await loadPlaybooks(playbooksDir);
  if ('problems' in loaded) throw new Error(`playbooks do not load: ${loaded.problems.slice(0, 5).join('; ')}`);
  const repo = ctx.settings.support.repo;
  const client =
    repo === undefined || ctx.githubApp === undefined
      ? undefined
      : await ctx.githubApp.forRepository(repo.owner, repo.repo);
  const github: IncidentGitHub = client === undefined || repo === undefined ? undefined : { client, ...repo };
  return {
    store: ctx.store,
    log: ctx.log,
    ports: ports(ctx),
    github,
    playbooks: loaded.playbooks,
    emit: async (event: Omit<EventInput, 'source'>, opts) => {
      await ctx.emit(event, opts);
    },
    clock: ctx.clock,
  };
}

/** An incident WowAnalytics opened: latency, or failures when the error rate is off too. */
export async function investigateIncident(ctx: DeskContext, data: z.infer<typeof incidentOpened>) {
  const trouble: Trouble = {
    incidentId: data.incidentId,
    agent: data.agentId,
    kind: data.signals.includes('errors') ? 'failures' : 'latency',
    figures: data.figures,
  };
  return investigate(await deps(ctx), trouble);
}

/**
 * An error the platform published: a dead letter, or a failure rate WowAnalytics found. A
 * dead letter has no incident, so no issue: when a playbook takes it on, WowSupport opens
 * one for the run's steps. Once its remedy restored an integration, the customers whose
 * tickets name it are told (again on a redelivery, where `once` answers each ticket once).
 */
export async function investigateError(ctx: DeskContext, data: z.infer<typeof errorOccurred>) {
  const trouble: Trouble = {
    // A dead letter has no incident: its event names the run.
    incidentId: data.incidentId ?? ctx.delivery.eventId,
    agent: data.agent,
    // A failure rate is its incident's failures (support.incident.opened says the same): one run
    // for both, the same playbooks, whichever arrives first.
    kind: data.kind === 'failure_rate' ? 'failures' : 'error',
    code: data.code,
    eventType: data.eventType,
    figures: data.sample,
  };
  const d = await deps(ctx);
  if (data.incidentId === undefined && d.github !== undefined && matchPlaybooks(d.playbooks, trouble).length > 0)
    await openErrorIssue(ctx.store, d.github, trouble, ctx.clock());
  const outcome = await investigate(d, trouble);
  if (outcome.did === 'applied' || outcome.did === 'investigated-before')
    await tellIntegrationRestored({ ...d, once: ctx.once }, trouble.incidentId);
  return outcome;
}

/** `/approve` on an incident's issue, for the remedy waiting there. */
export async function answerIncidentComment(ctx: DeskContext, comment: IncidentComment) {
  const d = await deps(ctx);
  if (d.github === undefined) return { did: 'ignored' as const };
  return approveRemedy({ ...d, github: d.github }, comment);
}

/** support.incident.resolved: a remedy applied for the incident helped. */
export async function confirmIncidentRecovered(ctx: DeskContext, data: z.infer<typeof incidentResolved>) {
  return confirmRecovery({ ...(await deps(ctx)), approvers: ctx.settings.support.approvers }, data.incidentId);
}

/** support.remedy.recovered: an error's remedy helped over its windows; its issue closes. */
export async function confirmRemedyRecovered(ctx: DeskContext, data: z.infer<typeof remedyRecovered>) {
  return confirmRecovery({ ...(await deps(ctx)), approvers: ctx.settings.support.approvers }, data.incidentId, data);
}

/** support.incident.unrecovered: the remedy did not help; undone where it can be, and the incident goes to L3. */
export async function undoUnhelpfulRemedy(ctx: DeskContext, data: z.infer<typeof incidentUnrecovered>) {
  return undoRemedy({ ...(await deps(ctx)), approvers: ctx.settings.support.approvers }, data);
}
