import { readSql, type PgQueryable } from '#platform';
import type { MailAttachment } from './parse-inbound-mail.ts';

const sql = {
  set: readSql(import.meta.url, 'set-message-attachments'),
  select: readSql(import.meta.url, 'select-message-attachments'),
};

/** Keeps what was attached to a message (metadata only), in the caller's transaction. */
export async function saveMessageAttachments(
  tx: PgQueryable,
  messageId: string,
  attachments: readonly MailAttachment[],
): Promise<void> {
  await tx.query(sql.set, [messageId, JSON.stringify(attachments)]);
}

/** What was attached to a message; empty for none and for a message that does not exist. */
export async function messageAttachments(db: PgQueryable, messageId: string): Promise<MailAttachment[]> {
  return (await db.query<{ attachments: MailAttachment[] }>(sql.select, [messageId])).rows[0]?.attachments ?? [];
}
