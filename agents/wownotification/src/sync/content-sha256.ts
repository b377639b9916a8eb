import { createHash } from 'node:crypto';

/** What the ledger keeps of a message's text: enough to tell an edit from a repeat. */
export function contentSha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
