import { readSql, type PgQueryable } from '#platform';
import { createError } from '../errors.ts';

const sql = {
  select: readSql(import.meta.url, 'select-notice-choice'),
  upsert: readSql(import.meta.url, 'upsert-notice-choice'),
};

/** Which of the organisation's tasks a member is mailed about when they end: those they sent, all, or none. */
export const taskNoticeChoices = ['mine', 'all', 'none'] as const;
export type TaskNoticeChoice = (typeof taskNoticeChoices)[number];

const isChoice = (value: unknown): value is TaskNoticeChoice =>
  typeof value === 'string' && (taskNoticeChoices as readonly string[]).includes(value);

/** The member's choice; 'mine' until they make one. */
export async function getTaskNoticeChoice(
  db: PgQueryable,
  organisationId: string,
  userId: string,
): Promise<TaskNoticeChoice> {
  const choice = (await db.query<{ choice: string }>(sql.select, [organisationId, userId])).rows[0]?.choice;
  return isChoice(choice) ? choice : 'mine';
}

/**
 * Records a member's own choice (the caller has checked the membership). Anything but one
 * of taskNoticeChoices: WOW_ERR_TASK_NOTICE_CHOICE.
 */
export async function chooseTaskNotices(
  db: PgQueryable,
  input: { organisationId: string; userId: string; choice: unknown; now: Date },
): Promise<TaskNoticeChoice> {
  if (!isChoice(input.choice))
    throw createError('WOW_ERR_TASK_NOTICE_CHOICE', { expected: taskNoticeChoices.join(', ') });
  await db.query(sql.upsert, [input.organisationId, input.userId, input.choice, input.now]);
  return input.choice;
}
