import type { Ticket } from '#domains/support';
import type { SyncTarget } from './open-ticket-issue.ts';
import { mergeLabels, type LabelState } from './ticket-labels.ts';

/**
 * Makes the issue show the ticket: the platform's labels (people's own kept), closed as
 * completed once the ticket is solved or closed, open otherwise. Calls GitHub only for
 * what differs, so a repeat changes nothing.
 */
export async function syncIssueState(
  target: SyncTarget,
  issueNumber: number,
  state: LabelState & { ticket: Pick<Ticket, 'status'> },
): Promise<{ labels: boolean; state: boolean }> {
  const where = { owner: target.owner, repo: target.repo, issue_number: issueNumber };
  const { data: issue } = await target.github.request('GET /repos/{owner}/{repo}/issues/{issue_number}', where);
  const current = issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter((l) => l !== '');
  const wanted = mergeLabels(current, state);
  const labelsDiffer = wanted.length !== current.length || wanted.some((l) => !current.includes(l));
  if (labelsDiffer)
    await target.github.request('PUT /repos/{owner}/{repo}/issues/{issue_number}/labels', { ...where, labels: wanted });
  const shouldClose = state.ticket.status === 'solved' || state.ticket.status === 'closed';
  const stateDiffers = shouldClose !== (issue.state === 'closed');
  if (stateDiffers)
    await target.github.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
      ...where,
      ...(shouldClose ? { state: 'closed' as const, state_reason: 'completed' as const } : { state: 'open' as const }),
    });
  return { labels: labelsDiffer, state: stateDiffers };
}
