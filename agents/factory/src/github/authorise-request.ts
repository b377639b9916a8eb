import { parse } from 'yaml';
import { hasRepositoryRole, type RepositoryRole } from '#platform';
import { answersPath } from '../generate/generate-agent.ts';
import type { AgentBranch, RepoRef } from './agent-branches.ts';

/** The role the Factory acts for (docs/security.md): one that may push to the repository anyway. */
export const actingRole: RepositoryRole = 'write';

export type Authorisation = { allowed: true } | { allowed: false; why: string };

/** What an event says about who acts. */
export interface RequestEvent {
  /** The author, and their role on the repository. */
  author: string | undefined;
  authorRole: RepositoryRole;
  /** Whether the event is a `/factory approve` naming these answers, from someone with write access (both checked before). */
  approves: boolean;
  /** Whether the event is a `/factory retry` (from someone with write access, checked before). */
  retry: boolean;
}

/**
 * Whether an event may make the Factory generate and push the answers whose digest is
 * `digest` (docs/security.md): when the author has write access or more; when the
 * event is a `/factory approve` naming these answers; or when the request's own branches
 * already hold these answers (the digest their `questionnaire.yml` records as `rendered`),
 * which only an approved generation (or a person with write access) put there. An
 * approval acts when it arrives and names the answers then: one refused for naming other
 * answers never counts later, so an approval cannot lie in wait for an edit. Nothing else
 * approves: not a label, not a `/factory retry`.
 */
export async function authoriseRequest(
  at: RepoRef,
  event: RequestEvent,
  request: { id: string; digest: string; branches: readonly AgentBranch[] },
): Promise<Authorisation> {
  if (event.approves || hasRepositoryRole(event.authorRole, actingRole)) return { allowed: true };
  if (await generatedBefore(at, request)) return { allowed: true };
  return {
    allowed: false,
    why: event.retry
      ? '`/factory retry` generates again only answers that were approved and generated before, and these were not.'
      : authorLacksWrite(event.author, event.authorRole),
  };
}

/** Why an issue's own author does not make the Factory act. */
export const authorLacksWrite = (author: string | undefined, role: RepositoryRole) =>
  'The Factory generates agents for people who may write to this repository, ' +
  `and this issue's author, \`${author ?? 'unknown'}\`, has the \`${role}\` role here.`;

/** Whether one of the request's branches (all this issue's) holds the answers with `digest`, as its answers file records. */
async function generatedBefore(
  at: RepoRef,
  request: { id: string; digest: string; branches: readonly AgentBranch[] },
): Promise<boolean> {
  for (const branch of request.branches) {
    const file = await at.client
      .request('GET /repos/{owner}/{repo}/contents/{path}', {
        owner: at.owner,
        repo: at.repo,
        path: answersPath(request.id),
        ref: branch.sha,
      })
      .then(
        ({ data }) => ('content' in data && typeof data.content === 'string' ? data.content : undefined),
        (err: unknown) => {
          if ((err as { status?: number }).status === 404) return undefined;
          throw err;
        },
      );
    if (file === undefined) continue;
    const recorded = (parse(Buffer.from(file, 'base64').toString('utf8')) as { rendered?: unknown } | null)?.rendered;
    if (recorded === request.digest) return true;
  }
  return false;
}
