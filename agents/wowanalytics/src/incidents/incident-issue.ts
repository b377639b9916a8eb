import { writeMarkedIssue, type GitHubClient } from '#platform';
import type { Incident } from './incident-store.ts';
import { describeHealth, type HealthFigures, type Signal } from './judge-health.ts';

export const incidentMarker = (incidentId: string): string => `<!-- wow-desk:incident=${incidentId} -->`;

const signalWords: Record<Signal, string> = { latency: 'slower than usual', errors: 'failing more than usual' };

export function incidentTitle(agentId: string, signals: Signal[]): string {
  return `Incident: ${agentId} ${signals.map((s) => signalWords[s]).join(' and ')}`;
}

/** The issue body, rewritten on each judgement: what regressed, since when, the latest figures. */
export function incidentBody(
  incident: Pick<Incident, 'id' | 'agentId' | 'signals' | 'openedAt'>,
  latest: HealthFigures,
  at: Date,
): string {
  return [
    `**${incident.agentId}** is ${incident.signals.map((s) => signalWords[s]).join(' and ')} since ${incident.openedAt.toISOString()}.`,
    '',
    '| | now (last window) | baseline |',
    '|---|---|---|',
    `| events | ${latest.current.handled} | ${latest.baseline.handled} |`,
    `| mean response | ${Math.round(latest.current.meanMs)} ms | ${Math.round(latest.baseline.meanMs)} ms |`,
    `| failed | ${(latest.current.errorRate * 100).toFixed(1)}% | ${(latest.baseline.errorRate * 100).toFixed(1)}% |`,
    '',
    `Last judged ${at.toISOString()}. The desk updates this issue while the incident lasts and closes it ` +
      'once the agent is back within 20% of its baseline; customers whose integrations use the agent are ' +
      'told when it opens and when it ends.',
    incidentMarker(incident.id),
  ].join('\n');
}

/**
 * The incident's issue, created once: the row is claimed before the call, and a claim
 * taken over after a cut-off creation finds the issue by its marker (on an issue the App
 * opened, among the agent's incidents) and brings it up to date instead.
 */
export async function createIncidentIssue(
  github: GitHubClient,
  repo: { owner: string; repo: string },
  incident: Incident,
  now: Date,
): Promise<number> {
  const written = await writeMarkedIssue({ client: github, ...repo }, incidentMarker(incident.id), {
    title: incidentTitle(incident.agentId, incident.signals),
    body: incidentBody(incident, incident.latest, now),
    labels: ['incident', `agent:${incident.agentId}`],
  });
  return written.number;
}

export async function updateIncidentIssue(
  github: GitHubClient,
  repo: { owner: string; repo: string },
  issueNumber: number,
  incident: Incident,
  latest: HealthFigures,
  now: Date,
  change: string | undefined,
): Promise<void> {
  await github.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
    ...repo,
    issue_number: issueNumber,
    title: incidentTitle(incident.agentId, incident.signals),
    body: incidentBody(incident, latest, now),
  });
  // A comment only when what regressed changes: watchers are notified of news, not of each minute.
  if (change !== undefined)
    await github.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...repo,
      issue_number: issueNumber,
      body: `${change}\n\n${incidentMarker(incident.id)}`,
    });
}

export async function closeIncidentIssue(
  github: GitHubClient,
  repo: { owner: string; repo: string },
  issueNumber: number,
  incident: Incident,
  latest: HealthFigures,
  now: Date,
): Promise<void> {
  await github.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    ...repo,
    issue_number: issueNumber,
    body: `Recovered at ${now.toISOString()}: ${describeHealth(latest, [])}.\n\n${incidentMarker(incident.id)}`,
  });
  await github.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
    ...repo,
    issue_number: issueNumber,
    state: 'closed',
    state_reason: 'completed',
  });
}
