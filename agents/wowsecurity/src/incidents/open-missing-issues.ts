import type { Logger, PgQueryable, SecurityViolationData, SecurityViolationKind } from '#platform';
import { openIncidentIssue, type IssueRepo } from './incident-issue.ts';
import { incidentById, setIncidentIssue } from './incident-store.ts';

/** A burst's first violation, as json_build_object writes it (its time a string). */
interface FirstViolation {
  kind: SecurityViolationKind;
  agent: string | null;
  source: string;
  reason: string;
  sample: Record<string, string>;
  at: string;
}

/** How long a burst's first delivery has to open its issue (its retries included) before the schedule does. */
const graceMs = 5 * 60_000;

/**
 * Opens the issue of every open burst that still has none well after it began: GitHub
 * refused or was down for every try of the delivery that began it. The issue is found
 * again by its marker, so a late delivery and this never open two.
 */
export async function openMissingIssues(
  deps: { db: PgQueryable; log: Logger; github: IssueRepo | undefined; quietSeconds: number },
  now: Date,
): Promise<string[]> {
  if (deps.github === undefined) return [];
  const { rows } = await deps.db.query<{ id: string; first: FirstViolation | null }>(
    `select i.id, (select json_build_object('kind', v.kind, 'agent', v.agent_id, 'source', v.source,
                     'reason', v.reason, 'sample', v.sample, 'at', v.at)
                   from security_violations v where v.incident_id = i.id order by v.at limit 1) as first
     from security_incidents i
     where i.closed_at is null and i.issue_number is null and i.opened_at < $1
     order by i.opened_at limit 20`,
    [new Date(now.getTime() - graceMs)],
  );
  const opened: string[] = [];
  for (const { id, first } of rows) {
    const incident = await incidentById(deps.db, id);
    if (incident === undefined || first === null) continue;
    const violation: SecurityViolationData = {
      kind: first.kind,
      ...(first.agent === null ? {} : { agent: first.agent }),
      source: first.source,
      reason: first.reason,
      sample: first.sample,
      at: new Date(first.at).toISOString(),
    };
    try {
      await setIncidentIssue(deps.db, id, await openIncidentIssue(deps.github, incident, violation, deps.quietSeconds));
      opened.push(id);
    } catch (err) {
      deps.log.warn(
        { err, incident: id },
        'could not open the issue of a security incident; the next look tries again',
      );
    }
  }
  return opened;
}
