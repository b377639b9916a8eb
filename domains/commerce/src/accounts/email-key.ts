/**
 * The form of an email address accounts are unique by and looked up with: trimmed and in
 * lower case. Mailbox names are case-sensitive in theory, never in practice; two accounts
 * differing only in case would let someone register a look-alike of a colleague's.
 */
export const emailKey = (email: string): string => email.trim().toLowerCase();
