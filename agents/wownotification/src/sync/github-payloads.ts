import { z } from 'zod';
import { githubDelivery } from '#platform';

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
    user: z.looseObject({ login: z.string() }).nullable().optional(),
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

// The deliveries as the App's door puts them on the bus, payloads included: the host
// parses each once, before the handler runs, and dead-letters one that does not fit.
export const issueCommentDelivery = githubDelivery.extend({ payload: issueCommentPayload });
export type IssueCommentDelivery = z.infer<typeof issueCommentDelivery>;
export const issueEventDelivery = githubDelivery.extend({ payload: issueEventPayload });
export type IssueEventDelivery = z.infer<typeof issueEventDelivery>;

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
