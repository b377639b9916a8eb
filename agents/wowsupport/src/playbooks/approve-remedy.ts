import { getRepositoryRole, hasRepositoryRole, writeMarkedComment, type GitHubClient } from '#platform';
import { applyRemedy, type InvestigateDeps, type InvestigateOutcome } from './investigate.ts';
import { recordStep, updateRun } from './playbook-audit.ts';
import type { StepResult } from './run-playbook.ts';

export interface IncidentComment {
  owner: string;
  repo: string;
  issue: number;
  commentId: number;
  login: string;
  isBot: boolean;
  body: string;
}

export type ApproveOutcome = { did: 'ignored' } | { did: 'refused'; login: string } | InvestigateOutcome;

const approveCommand = /^\/approve(?:\s[^\n]*)?$/;

/**
 * `/approve` on an incident's issue where a high-risk remedy waits: from someone with the
 * admin or maintain role on the repository (as GitHub says now) the remedy runs, once;
 * from anyone else a reply says why and nothing runs. Bots' comments are never commands.
 */
export async function approveRemedy(
  deps: Omit<InvestigateDeps, 'github' | 'emit' | 'log'> & {
    github: { client: GitHubClient; owner: string; repo: string };
  },
  comment: IncidentComment,
): Promise<ApproveOutcome> {
  const firstLine = comment.body.trim().split('\n')[0]?.trim() ?? '';
  if (comment.isBot || !approveCommand.test(firstLine)) return { did: 'ignored' };
  const { rows } = await deps.store.query<{
    incident_id: string;
    agent_id: string;
    playbook: string;
    remedy: string;
    diagnosis: Record<string, StepResult>;
  }>(
    `select r.incident_id, r.agent_id, r.playbook, r.remedy, r.diagnosis from support_playbook_runs r
     join support_incidents i on i.id = r.incident_id
     where i.issue_number = $1 and lower(i.owner) = lower($2) and lower(i.repo) = lower($3) and r.state = 'waiting'`,
    [comment.issue, comment.owner, comment.repo],
  );
  const run = rows[0];
  if (run === undefined) return { did: 'ignored' };
  const on = { client: deps.github.client, owner: comment.owner, repo: comment.repo, issue: comment.issue };
  const role = await getRepositoryRole(deps.github.client, on, comment.login);
  if (!hasRepositoryRole(role, 'maintain')) {
    await writeMarkedComment(
      on,
      `<!-- wow-playbook:approve=${comment.commentId} -->`,
      `@${comment.login} only an approver (admin or maintain on this repository) may approve a remedy; nothing ran.`,
    );
    await recordStep(
      deps.store,
      undefined,
      run.incident_id,
      `refused:${comment.commentId}`,
      `/approve from @${comment.login} refused: not an approver.`,
      { login: comment.login, role },
      deps.clock(),
    );
    return { did: 'refused', login: comment.login };
  }
  // The waiting run is taken by one approval: a second /approve, or a redelivery, finds it gone.
  const taken = await deps.store.query(
    `update support_playbook_runs set state = 'diagnosing', approved_by = $2, updated_at = $3 where incident_id = $1 and state = 'waiting'`,
    [run.incident_id, comment.login, deps.clock()],
  );
  if (taken.rowCount !== 1) return { did: 'ignored' };
  const remedy = deps.playbooks
    .find((p) => p.playbook.id === run.playbook)
    ?.playbook.remedies.find((r) => r.id === run.remedy);
  const playbook = deps.playbooks.find((p) => p.playbook.id === run.playbook)?.playbook;
  if (remedy === undefined || playbook === undefined) {
    await updateRun(deps.store, run.incident_id, { state: 'failed' }, deps.clock());
    await recordStep(
      deps.store,
      deps.github,
      run.incident_id,
      'failed',
      `Playbook ${run.playbook} no longer has remedy ${run.remedy}: this incident is for L3.`,
      {},
      deps.clock(),
    );
    return { did: 'failed', playbook: run.playbook, remedy: run.remedy, error: 'remedy gone' };
  }
  return applyRemedy(
    deps,
    { incidentId: run.incident_id, agent: run.agent_id, kind: playbook.trigger.kind },
    playbook.id,
    remedy,
    run.diagnosis,
    comment.login,
  );
}
