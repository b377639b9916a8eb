/**
 * How one send of an alert message went: `result` is what the service answered (Slack's
 * channel and ts, the issue comment); a failure is `permanent` when only a change of the
 * configuration can fix it, and may say when to try again (Slack's Retry-After).
 */
export type SendResult =
  { ok: true; result: string } | { ok: false; error: string; permanent: boolean; retryAfterMs?: number };

/** A failure thrown by a client (nodemailer, Octokit): a 4xx or 5xx SMTP reply or HTTP status that no retry fixes is permanent. */
export function failureOf(err: unknown): SendResult {
  const e = err as { status?: number; responseCode?: number; message?: string };
  const error = (e.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 300);
  // SMTP 5xx refuses the mail for good; GitHub's 404, 410 and 422 refuse the write for good.
  const permanent = (e.responseCode !== undefined && e.responseCode >= 500) || [404, 410, 422].includes(e.status ?? 0);
  return { ok: false, error, permanent };
}
