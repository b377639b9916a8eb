import { z } from 'zod';

// The parts of GitHub's issues and issue_comment payloads the desk reads.
const sender = z.looseObject({ login: z.string(), type: z.string() });
const repository = z.looseObject({ name: z.string(), owner: z.looseObject({ login: z.string() }) });
const issue = z.looseObject({ number: z.number(), pull_request: z.unknown().optional() });

export const issueCommentPayload = z.looseObject({
  action: z.string(),
  repository,
  sender,
  issue,
  comment: z.looseObject({
    id: z.number(),
    body: z.string().nullable().optional(),
    performed_via_github_app: z.looseObject({ id: z.number() }).nullable().optional(),
  }),
});
export type IssueCommentPayload = z.infer<typeof issueCommentPayload>;

export const issueEventPayload = z.looseObject({
  action: z.string(),
  repository,
  sender,
  issue,
  label: z.looseObject({ name: z.string() }).optional(),
});
export type IssueEventPayload = z.infer<typeof issueEventPayload>;

/** Whether an event is about the support repository (its owner and name, case aside). */
export function inSupportRepo(
  payload: { repository: z.infer<typeof repository> },
  repo: { owner: string; repo: string } | undefined,
): boolean {
  return (
    repo !== undefined &&
    payload.repository.owner.login.toLowerCase() === repo.owner.toLowerCase() &&
    payload.repository.name.toLowerCase() === repo.repo.toLowerCase()
  );
}
