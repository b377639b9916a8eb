/**
 * A mail the accounts send (verification, password reset, invitation, a sign-up with an
 * address already registered). The domain writes it; the door sends it through the
 * platform's mail (SMTP_URL). `id` makes its Message-ID.
 */
export interface AccountMail {
  id: string;
  to: string;
  subject: string;
  body: string;
}

/** The link a mail carries: the deployment's public origin, a path of ours, the token. */
export const linkTo = (publicUrl: string, path: string, token: string): string =>
  `${publicUrl.replace(/\/$/, '')}${path}?token=${encodeURIComponent(token)}`;

/** How long a link lives, in words for the mail. */
export function lifetime(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  return `${Math.round(seconds / 60)} minutes`;
}
