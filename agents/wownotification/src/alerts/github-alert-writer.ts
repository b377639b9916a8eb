import { writeMarkedComment, writeMarkedIssue, type GitHubPort } from '#platform';
import type { SendResult } from './send-result.ts';

/** GitHub mentions of an alert message: a comment on the alert's issue, or an issue opened for it. */
export interface GitHubAlertWriter {
  /** The message's comment on `issue` ("owner/repo#n"); a retry finds it by `marker` instead of writing it twice. */
  comment(issue: string, body: string, marker: string): Promise<SendResult>;
  /** An issue in the support repository for alerts with none of their own; `result` is its "owner/repo#n". */
  open(title: string, body: string, marker: string): Promise<SendResult>;
}

/** The label of the issues opened for operator alerts, by which a retry finds its own again. */
export const alertIssueLabel = 'operator-alert';

const issueRef = /^([A-Za-z0-9-]{1,39})\/([A-Za-z0-9._-]{1,100})#([1-9][0-9]{0,9})$/;

/**
 * Through the App's installation on each repository (`ctx.githubApp`): Octokit with the
 * platform's retry and throttling, so a rate limit waits inside the client. A failure
 * GitHub answers with 404, 410 or 422 (no such repository or issue, the App not
 * installed there) is permanent; anything else is thrown and tried again.
 */
export function createGitHubAlertWriter(
  port: GitHubPort,
  supportRepo: { owner: string; repo: string } | undefined,
): GitHubAlertWriter {
  return {
    async comment(issue, body, marker) {
      const ref = issueRef.exec(issue);
      if (ref === null)
        return { ok: false, error: `"${issue.slice(0, 200)}" is not an issue (owner/repo#n)`, permanent: true };
      const [, owner = '', repo = ''] = ref;
      const client = await port.forRepository(owner, repo);
      const written = await writeMarkedComment({ client, owner, repo, issue: Number(ref[3]) }, marker, body);
      return { ok: true, result: `${issue} comment ${written.id}` };
    },
    async open(title, body, marker) {
      if (supportRepo === undefined)
        return { ok: false, error: 'no SUPPORT_REPO to open the issue in', permanent: true };
      const client = await port.forRepository(supportRepo.owner, supportRepo.repo);
      const written = await writeMarkedIssue({ client, ...supportRepo }, marker, {
        title,
        body,
        labels: [alertIssueLabel],
      });
      return { ok: true, result: `${supportRepo.owner}/${supportRepo.repo}#${written.number}` };
    },
  };
}
