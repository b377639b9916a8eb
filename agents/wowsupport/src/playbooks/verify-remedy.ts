import type { SupportSettings } from '#domains/support';
import { closeErrorIssue, errorIssueOpen } from './error-issue.ts';
import { escalateIncidentTickets, l3Label, labelIncidentForL3, mentionApprovers } from './escalate-incident.ts';
import type { InvestigateDeps } from './investigate.ts';
import { readRun, recordStep } from './playbook-audit.ts';
import { runAction, type StepResult, type Trouble } from './run-playbook.ts';

export type VerifyDeps = Pick<InvestigateDeps, 'store' | 'github' | 'ports' | 'playbooks' | 'emit' | 'clock'> & {
  approvers: SupportSettings['approvers'];
};

/** WowAnalytics' judgement of the windows after a remedy (support.incident.unrecovered). */
export interface Unrecovered {
  incidentId: string;
  agentId: string;
  windows: number;
  /** How the agent was judged in the last window, in words. */
  judgement: string;
}

export type VerifyOutcome =
  | { did: 'ignored'; why: string }
  | { did: 'recovered'; remedy: string }
  | { did: 'undone'; remedy: string; tickets: string[] }
  | { did: 'escalated'; remedy: string; undo: 'none' | 'failed'; tickets: string[] };

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/**
 * WowAnalytics saw the agent back within its baseline after a remedy: support.incident.resolved
 * (it closed the incident), or support.remedy.recovered with its `judged` windows (an error's
 * remedy, no incident to close). The remedy helped: its run is marked recovered, once, and an
 * error's issue closes with it.
 */
export async function confirmRecovery(
  deps: VerifyDeps,
  incidentId: string,
  judged?: Pick<Unrecovered, 'windows' | 'judgement'>,
): Promise<VerifyOutcome> {
  const { rows } = await deps.store.query<{ agent_id: string; remedy: string }>(
    `update support_playbook_runs set state = 'recovered', updated_at = $2
     where incident_id = $1 and state = 'applied' returning agent_id, remedy`,
    [incidentId, deps.clock()],
  );
  const run = rows[0];
  if (run === undefined) return { did: 'ignored', why: 'no remedy of this incident waits for its verdict' };
  const text =
    judged === undefined
      ? `WowAnalytics confirms ${code(run.agent_id)} is back within its baseline: remedy ${code(run.remedy)} helped, and the incident is closed.`
      : `WowAnalytics judged ${code(run.agent_id)} within its baseline over the windows after remedy ${code(run.remedy)} ` +
        `(${code(judged.judgement.slice(0, 300))}): it helped.`;
  await recordStep(deps.store, deps.github, incidentId, 'recovered', text, judged ?? {}, deps.clock());
  // An error's issue (error-issue.ts) closes with the verdict, unless its remedy closed it already.
  if (judged !== undefined && (await errorIssueOpen(deps.store, incidentId)))
    await closeErrorIssue(deps.store, deps.github, incidentId, text, deps.clock());
  return { did: 'recovered', remedy: run.remedy };
}

/**
 * support.incident.unrecovered: the agent is still outside its baseline after the remedy's
 * windows. The remedy is undone where its playbook says how (with what the remedy recorded
 * as `result`: the previous settings, the version it retired), and the incident goes to L3
 * either way: labelled and the approvers mentioned on its issue, and the open tickets of the
 * customers it touches escalated, each with support.ticket.escalated. Once: a redelivery finds
 * the run no longer applied.
 */
export async function undoRemedy(deps: VerifyDeps, verdict: Unrecovered): Promise<VerifyOutcome> {
  const run = await readRun(deps.store, verdict.incidentId);
  if (run?.state !== 'applied' || run.remedy === null)
    return { did: 'ignored', why: `the run is ${run?.state ?? 'missing'}, not waiting for a verdict` };
  const playbook = deps.playbooks.find((p) => p.playbook.id === run.playbook)?.playbook;
  const remedy = playbook?.remedies.find((r) => r.id === run.remedy);
  const record = (step: string, text: string, detail: unknown) =>
    recordStep(deps.store, deps.github, verdict.incidentId, step, text, detail, deps.clock());
  // The judgement is text from the event: quoted as code on the issue, so it mentions and links nobody.
  const why = `still outside its baseline ${verdict.windows} windows after remedy ${code(run.remedy)}: ${code(verdict.judgement.slice(0, 300))}`;
  await record('unrecovered', `WowAnalytics: ${code(run.agentId)} is ${why}.`, { verdict });

  let undo: { ok: true; result: unknown } | { ok: false; error: string } | undefined;
  if (remedy?.undo !== undefined && playbook !== undefined) {
    const trouble: Trouble = { incidentId: run.incidentId, agent: run.agentId, kind: playbook.trigger.kind };
    try {
      const result = await runAction(
        remedy.undo,
        {
          trouble,
          diagnosis: run.diagnosis as Record<string, StepResult>,
          reason: `playbook ${run.playbook}: undoing remedy ${run.remedy}, which did not help`,
          approvedBy: run.approvedBy ?? undefined,
        },
        deps.ports,
        run.result,
      );
      undo = { ok: true, result };
    } catch (err) {
      undo = { ok: false, error: (err instanceof Error ? err.message : String(err)).slice(0, 300) };
    }
  }
  const state = undo?.ok === true ? 'undone' : 'escalated';
  const claimed = await deps.store.transaction(async (tx) => {
    const taken = await tx.query(
      `update support_playbook_runs set state = $2, updated_at = $3 where incident_id = $1 and state = 'applied'`,
      [run.incidentId, state, deps.clock()],
    );
    if (taken.rowCount !== 1) return undefined;
    return escalateIncidentTickets(
      tx,
      { id: run.incidentId, agentId: run.agentId, reason: `the automatic remedy ${run.remedy} did not help.` },
      deps.emit,
    );
  });
  if (claimed === undefined) return { did: 'ignored', why: 'another delivery took the verdict first' };
  if (undo === undefined)
    await record(
      'not-undoable',
      `Remedy ${code(run.remedy)} has no undo in playbook ${code(run.playbook)}: it stays.`,
      {},
    );
  else if (undo.ok) await record('undone', `Remedy ${code(run.remedy)} was undone.`, { result: undo.result });
  else await record('undo-failed', `Undoing remedy ${code(run.remedy)} failed (${undo.error}).`, { error: undo.error });
  await labelIncidentForL3(deps.github, deps.store, run.incidentId);
  await record(
    'escalated',
    `${mentionApprovers(deps.approvers)}: this incident is for L3 (a person) now, labelled ${code(l3Label)}. ` +
      `${claimed.length} open ticket(s) of the customers it touches went to L3 with it.`,
    { tickets: claimed },
  );
  return undo?.ok === true
    ? { did: 'undone', remedy: run.remedy, tickets: claimed }
    : { did: 'escalated', remedy: run.remedy, undo: undo === undefined ? 'none' : 'failed', tickets: claimed };
}
