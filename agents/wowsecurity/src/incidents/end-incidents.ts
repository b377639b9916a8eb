import type { Logger, PgQueryable } from '#platform';
import { closeIncidentIssue, type IssueRepo } from './incident-issue.ts';
import { claimIssueClosing, closeQuietIncidents, incidentById, releaseIssueClosing } from './incident-store.ts';

export interface EndDeps {
  db: PgQueryable;
  log: Logger;
  /** WOWSECURITY_REPO's client; undefined: bursts end with no issue to close. */
  github: IssueRepo | undefined;
  quietSeconds: number;
}

/** Closes an ended burst's issue once, whichever runtime or redelivery gets there first; a failure gives the claim back. */
export async function closeEndedIssue(deps: EndDeps, incidentId: string, now: Date): Promise<boolean> {
  if (deps.github === undefined) return false;
  const issueNumber = await claimIssueClosing(deps.db, incidentId, now);
  const incident = issueNumber === undefined ? undefined : await incidentById(deps.db, incidentId);
  if (issueNumber === undefined || incident === undefined) return false;
  try {
    await closeIncidentIssue(deps.github, issueNumber, incident, deps.quietSeconds);
  } catch (err) {
    await releaseIssueClosing(deps.db, incidentId);
    throw err;
  }
  return true;
}

/**
 * The `quiet` schedule: ends every burst with no violation for WOWSECURITY_QUIET_SECONDS
 * and closes the issue of each ended burst still open on GitHub (including one an earlier
 * look failed to close). Returns the incidents whose issues it closed.
 */
export async function endQuietIncidents(deps: EndDeps, now: Date): Promise<string[]> {
  await closeQuietIncidents(deps.db, now, new Date(now.getTime() - deps.quietSeconds * 1000));
  const { rows } = await deps.db.query<{ id: string }>(
    `select id from security_incidents
     where closed_at is not null and issue_number is not null and issue_closed_at is null
     order by closed_at limit 100`,
  );
  const closed: string[] = [];
  for (const { id } of rows) {
    try {
      if (await closeEndedIssue(deps, id, now)) closed.push(id);
    } catch (err) {
      deps.log.warn({ err, incident: id }, 'could not close a quiet security incident; the next look tries again');
    }
  }
  return closed;
}
