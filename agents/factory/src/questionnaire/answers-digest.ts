import { createHash } from 'node:crypto';
import type { Answers } from './parse-issue-body.ts';

/**
 * How many hex characters of the SHA-256 an approval names: 64 bits, short enough to copy
 * into a comment, and too many to search for other answers with the same digest (8
 * characters, 32 bits, could be matched in seconds on one graphics card).
 */
const digestLength = 16;

/**
 * The answers' digest: what `/factory approve <digest>` names, so an approval is for the
 * answers as the approver read them and for no later edit. Taken over the parsed answers
 * (question id → text or choices, in a fixed order), so it changes with any answer and with
 * nothing else in the issue.
 */
export function answersDigest(answers: Answers): string {
  const canonical = JSON.stringify(
    Object.keys(answers)
      .sort()
      .map((id) => [id, answers[id]]),
  );
  return createHash('sha256').update(canonical).digest('hex').slice(0, digestLength);
}

/** Whether `text` has a digest's shape: what a `/factory approve` must name. */
export const isDigest = (text: string) => new RegExp(`^[0-9a-f]{${digestLength}}$`).test(text);
