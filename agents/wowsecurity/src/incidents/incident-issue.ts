import { writeMarkedIssue, type GitHubClient, type SecurityViolationData } from '#platform';
import type { Incident } from './incident-store.ts';
import { quote } from './quote.ts';

export interface IssueRepo {
  client: GitHubClient;
  owner: string;
  repo: string;
}

export const incidentMarker = (incidentId: string): string => `<!-- wowsecurity:incident=${incidentId} -->`;

/** One line on a violation: its kind, where it was refused, why, and what was refused. */
export function describeViolation(v: SecurityViolationData): string {
  const sample = Object.entries(v.sample).map(([key, value]) => `${key} ${quote(value)}`);
  return [`\`${v.kind}\` at ${quote(v.source, 80)}: ${quote(v.reason, 300)}`, ...sample].join('; ');
}

/**
 * The burst's issue, created once: a retried delivery finds it again by its marker (on an
 * issue the App opened) instead of opening a second.
 */
export async function openIncidentIssue(
  to: IssueRepo,
  incident: Incident,
  first: SecurityViolationData,
  quietSeconds: number,
): Promise<number> {
  const written = await writeMarkedIssue(
    { client: to.client, owner: to.owner, repo: to.repo },
    incidentMarker(incident.id),
    {
      title: `Security: violations by ${incident.offender}`,
      body: [
        `WowSecurity saw a security violation by **${quote(incident.offender, 80)}** at ${incident.openedAt.toISOString()}:`,
        '',
        `- ${describeViolation(first)}`,
        '',
        `More in this burst are added as comments (one a minute at most). The issue closes once ${quietSeconds} s ` +
          'pass without another; a later violation opens a new one.',
      ].join('\n'),
      labels: ['security', 'incident'],
    },
  );
  return written.number;
}

export async function commentOnIncident(
  to: IssueRepo,
  issueNumber: number,
  incidentId: string,
  text: string,
): Promise<void> {
  await to.client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner: to.owner,
    repo: to.repo,
    issue_number: issueNumber,
    body: `${text}\n\n${incidentMarker(incidentId)}`,
  });
}

export async function closeIncidentIssue(
  to: IssueRepo,
  issueNumber: number,
  incident: Incident,
  quietSeconds: number,
): Promise<void> {
  await commentOnIncident(
    to,
    issueNumber,
    incident.id,
    `Quiet for ${quietSeconds} s: the burst ended with ${incident.violations} violation(s), the last at ${incident.lastAt.toISOString()}.`,
  );
  await to.client.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
    owner: to.owner,
    repo: to.repo,
    issue_number: issueNumber,
    state: 'closed',
    state_reason: 'completed',
  });
}
