import type { EventInput, Logger, PgQueryable, Store } from '#platform';
import type { LoadedPlaybook } from './load-playbooks.ts';
import { claimRun, incidentIssue, recordStep, updateRun, type IncidentGitHub } from './playbook-audit.ts';
import type { Playbook, Remedy } from './playbook-schema.ts';
import {
  chooseRemedy,
  diagnose,
  matchPlaybooks,
  runAction,
  type PlaybookPorts,
  type StepResult,
  type Trouble,
} from './run-playbook.ts';

export interface InvestigateDeps {
  store: Store;
  log: Logger;
  ports: PlaybookPorts;
  github: IncidentGitHub;
  playbooks: readonly LoadedPlaybook[];
  emit(event: Omit<EventInput, 'source'>, opts: { tx: PgQueryable }): Promise<void>;
  clock: () => Date;
}

export type InvestigateOutcome =
  | { did: 'no-playbook' }
  | { did: 'investigated-before' }
  | { did: 'no-remedy'; playbook: string }
  | { did: 'applied'; playbook: string; remedy: string }
  | { did: 'failed'; playbook: string; remedy: string; error: string }
  | { did: 'waiting'; playbook: string; remedy: string };

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/**
 * WowSupport's investigation of an incident or an error: the playbooks whose trigger fits
 * are tried in turn — each diagnoses it (typed requests to the agents that know) and offers
 * the first remedy whose condition holds; one whose diagnosis fits none of its remedies
 * hands over to the next (a latency incident may be a mis-tuned cache or a lagging agent).
 * A low-risk remedy runs at once; a high-risk one is announced and waits for an approver's
 * /approve on the incident's issue. Once per incident: a redelivery finds the run claimed.
 * Every step lands in the audit table and on the issue.
 */
export async function investigate(deps: InvestigateDeps, trouble: Trouble): Promise<InvestigateOutcome> {
  const candidates = matchPlaybooks(deps.playbooks, trouble);
  const first = candidates[0];
  if (first === undefined) return { did: 'no-playbook' };
  const { store, github } = deps;
  if (!(await claimRun(store, trouble.incidentId, trouble.agent, first.id, deps.clock())))
    return { did: 'investigated-before' };
  // The first playbook's steps keep their plain names; a later one's are prefixed with its id so none collide.
  const step = (playbook: Playbook, name: string) => (playbook === first ? name : `${playbook.id}:${name}`);
  const record = (name: string, text: string, detail: unknown) =>
    recordStep(store, github, trouble.incidentId, name, text, detail, deps.clock());
  for (const playbook of candidates) {
    await updateRun(store, trouble.incidentId, { playbook: playbook.id }, deps.clock());
    await record(
      step(playbook, 'matched'),
      `WowSupport is investigating with playbook ${code(playbook.id)}: ${playbook.title}.`,
      { trouble: { kind: trouble.kind, agent: trouble.agent, code: trouble.code ?? null } },
    );
    const diagnosis = await diagnose(playbook, trouble, deps.ports);
    await updateRun(store, trouble.incidentId, { diagnosis }, deps.clock());
    for (const s of playbook.diagnose) {
      const result: StepResult = diagnosis[s.id] ?? { ok: false, error: 'not run' };
      await record(
        step(playbook, `diagnose:${s.id}`),
        `Diagnosis ${code(s.id)} (${code(s.request)}): ${result.ok ? 'answered' : `failed: ${result.error}`}.`,
        result,
      );
    }
    const remedy = chooseRemedy(playbook, trouble, diagnosis);
    if (remedy === undefined) continue;
    await updateRun(
      store,
      trouble.incidentId,
      { remedy: remedy.id, risk: remedy.risk, summary: remedy.summary },
      deps.clock(),
    );
    if (remedy.risk === 'high') return wait(deps, trouble, playbook.id, remedy);
    return applyRemedy(deps, trouble, playbook.id, remedy, diagnosis);
  }
  await updateRun(store, trouble.incidentId, { state: 'no_remedy' }, deps.clock());
  const tried = candidates.map((p) => code(p.id)).join(', ');
  await record(
    'escalated',
    `No remedy of ${tried} fits what the diagnosis found: this incident is for L3 (a person).`,
    {
      tried: candidates.map((p) => p.id),
    },
  );
  return { did: 'no-remedy', playbook: candidates.map((p) => p.id).join(',') };
}

async function wait(
  deps: InvestigateDeps,
  trouble: Trouble,
  playbook: string,
  remedy: Remedy,
): Promise<InvestigateOutcome> {
  const issue = await incidentIssue(deps.store, trouble.incidentId);
  await deps.store.transaction(async (tx) => {
    await updateRun(tx, trouble.incidentId, { state: 'waiting' }, deps.clock());
    await deps.emit(
      {
        type: 'support.incident.remedy_waiting',
        subject: trouble.incidentId,
        partitionkey: trouble.agent,
        data: {
          incidentId: trouble.incidentId,
          agentId: trouble.agent,
          playbook,
          remedy: remedy.id,
          risk: remedy.risk,
          ...(issue === undefined ? {} : { issue }),
        },
      },
      { tx },
    );
  });
  await recordStep(
    deps.store,
    deps.github,
    trouble.incidentId,
    'waiting',
    `Remedy ${code(remedy.id)} is high risk (${remedy.summary}). ` +
      'It runs only after an approver (admin or maintain on this repository) comments `/approve` here.',
    { remedy: remedy.id },
    deps.clock(),
  );
  return { did: 'waiting', playbook, remedy: remedy.id };
}

/** What happens next, as the issue is told: WowAnalytics judges the windows after it, for an incident or an error alike. */
function verification(remedy: Remedy): string {
  const undo = remedy.undo === undefined ? 'nothing undoes it' : 'it is undone';
  return `WowAnalytics now judges the next ${remedy.verifyWindows} windows; if the agent does not recover, ${undo} and this goes to L3.`;
}

/** Runs the remedy's action and records the outcome; its reply is kept for the undo. */
export async function applyRemedy(
  deps: Pick<InvestigateDeps, 'store' | 'github' | 'ports' | 'clock'>,
  trouble: Trouble,
  playbook: string,
  remedy: Remedy,
  diagnosis: Record<string, StepResult>,
  approvedBy?: string,
): Promise<InvestigateOutcome> {
  const record = (step: string, text: string, detail: unknown) =>
    recordStep(deps.store, deps.github, trouble.incidentId, step, text, detail, deps.clock());
  try {
    const reason = `playbook ${playbook}, remedy ${remedy.id}: ${remedy.summary}`;
    const result = await runAction(remedy.action, { trouble, diagnosis, reason, approvedBy }, deps.ports);
    await updateRun(
      deps.store,
      trouble.incidentId,
      {
        state: 'applied',
        result: result ?? null,
        verifyWindows: remedy.verifyWindows,
        ...(approvedBy === undefined ? {} : { approvedBy }),
      },
      deps.clock(),
    );
    const how = approvedBy === undefined ? ' (low risk, automatically)' : `, approved by @${approvedBy}`;
    await record('applied', `Remedy ${code(remedy.id)} ran${how}: ${remedy.summary} ${verification(remedy)}`, {
      result,
    });
    return { did: 'applied', playbook, remedy: remedy.id };
  } catch (err) {
    const error = (err instanceof Error ? err.message : String(err)).slice(0, 300);
    await updateRun(deps.store, trouble.incidentId, { state: 'failed' }, deps.clock());
    await record('failed', `Remedy ${code(remedy.id)} failed (${error}): this incident is for L3 (a person).`, {
      error,
    });
    return { did: 'failed', playbook, remedy: remedy.id, error };
  }
}
