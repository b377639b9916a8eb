// Hidden markers in what the desk writes on GitHub. The ticket marker finds a ticket's
// issue again after a crash between GitHub's answer and ours; the origin marker on every
// comment the desk posts tells its own echo apart from a person's comment, even when the
// webhook arrives before the comment's id is in the ledger.

export const ticketMarker = (ticketId: string): string => `<!-- wow-desk:ticket=${ticketId} -->`;

export const originMarker = (messageId: string): string => `<!-- wow-desk:origin=waooaw msg=${messageId} -->`;

export function hasOriginMarker(body: string): boolean {
  return body.includes('<!-- wow-desk:origin=');
}

/**
 * Customer text shown on GitHub must not notify anyone: an @name becomes @ + word joiner,
 * which reads the same and mentions nobody (bots answering mentions start echo loops).
 */
export function withoutMentions(text: string): string {
  return text.replace(/@(?=[A-Za-z0-9])/g, '@\u2060');
}
